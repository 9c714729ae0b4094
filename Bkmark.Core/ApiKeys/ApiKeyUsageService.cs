namespace Bkmark.Core.ApiKeys;

/// <summary>
/// A key's verifications per day by outcome (DESIGN §18), for whoever may see the key: every instance's usage rows of the
/// span added up, after this instance's own pending counts are written, so a reader sees at least what the instance
/// that answers has counted.
/// </summary>
public sealed class ApiKeyUsageService
{
    /// <summary>The span when the query names none.</summary>
    public const int DefaultDays = 30;

    /// <summary>The longest span: as long as usage is kept.</summary>
    public const int MaxDays = KeyUsageEntity.RetentionDays;

    private readonly ApiKeyService keys;
    private readonly RateWindowStore store;
    private readonly ApiKeyUsageCounter counter;
    private readonly TimeProvider time;

    // Internal because the store and counter it takes are; registered with AddServiceWithInternalConstructor.
    internal ApiKeyUsageService(ApiKeyService keys, RateWindowStore store, ApiKeyUsageCounter counter, TimeProvider time)
    {
        this.keys = keys;
        this.store = store;
        this.counter = counter;
        this.time = time;
    }

    /// <summary>
    /// The usage of key <paramref name="keyId"/> if <paramref name="caller"/> may see the key (404 otherwise), over the query's
    /// <paramref name="days"/>: 1 to <see cref="MaxDays"/>, <see cref="DefaultDays"/> when absent, ending today (UTC).
    /// </summary>
    public async Task<Result<ApiKeyUsage>> GetAsync(Caller caller, string keyId, string? days, CancellationToken cancellationToken)
    {
        int span = DefaultDays;
        if (days is not null && (!int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out span) || span is < 1 or > MaxDays))
        {
            return Problems.Validation("days", $"days must be a whole number from 1 to {MaxDays}.");
        }

        var key = await keys.GetAsync(caller, keyId, cancellationToken);
        if (!key.Succeeded)
        {
            return key.Problem;
        }

        await FlushAsync(keyId, cancellationToken);
        var to = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var from = to.AddDays(1 - span);
        var totals = new Dictionary<DateOnly, int[]>();
        await foreach (var row in store.ReadUsageAsync(keyId, from, to, cancellationToken))
        {
            var date = row.GetDate();
            var counts = totals.TryGetValue(date, out var found) ? found : totals[date] = new int[KeyVerificationOutcomes.PerKey.Count];
            foreach (var outcome in KeyVerificationOutcomes.PerKey)
            {
                counts[(int)outcome] += row.CountOf(outcome);
            }
        }

        var series = Enumerable.Range(0, span).Select(offset => from.AddDays(offset)).Select(date => new ApiKeyUsageDay(
            date,
            KeyVerificationOutcomes.PerKey.ToDictionary(
                KeyVerificationOutcomes.NameOf, outcome => totals.TryGetValue(date, out var counts) ? counts[(int)outcome] : 0))).ToList();
        return new ApiKeyUsage(keyId, from, to, series);
    }

    /// <summary>Writes this instance's pending counts of the key (waiting for a write of them under way).</summary>
    internal async Task FlushAsync(string keyId, CancellationToken cancellationToken)
    {
        using var write = await counter.BeginWriteAsync(keyId, cancellationToken);
        if (write is not null)
        {
            await store.WriteUsageAsync(keyId, write.Rows, cancellationToken);
            write.Written();
        }
    }
}

/// <summary>A key's usage from <see cref="From"/> to <see cref="To"/> (UTC days, both included): one entry per day, oldest first.</summary>
public sealed record ApiKeyUsage(string KeyId, DateOnly From, DateOnly To, IReadOnlyList<ApiKeyUsageDay> Days);

/// <summary>One UTC day's verifications by outcome name (<c>ok</c>, <c>rate_limited</c>, <c>ip_refused</c>, <c>expired</c>, <c>revoked</c>, <c>suspended</c>).</summary>
public sealed record ApiKeyUsageDay(DateOnly Date, IReadOnlyDictionary<string, int> Outcomes);
