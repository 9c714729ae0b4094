namespace Bkmark.Core.ApiKeys;

/// <summary>
/// One instance's verifications of a key on one UTC day, by outcome (<see cref="ApiKeyUsageCounter"/>). Kept in the key's
/// rate-window partition (PartitionKey = key id) so a lease write and these rows go in one transaction; RowKey =
/// <c>usage-{yyyyMMdd}-{instance}</c>, which sorts after every window's digits, so the windows' range deletes never
/// touch it and one range query reads a run of days.
/// </summary>
internal sealed class KeyUsageEntity : StoredEntity
{
    public const string RowKeyPrefix = "usage-";

    /// <summary>How long a day's usage is kept: the longest span the usage route answers.</summary>
    public const int RetentionDays = 90;

    private const string DayFormat = "yyyyMMdd";

    public int Ok { get; set; }

    public int RateLimited { get; set; }

    public int IpRefused { get; set; }

    public int Expired { get; set; }

    public int Revoked { get; set; }

    public int Suspended { get; set; }

    /// <summary>Days since 0001-01-01, UTC: cheap to work out on every verification, unlike a formatted date.</summary>
    public static int DayNumberOf(DateTimeOffset time) => (int)(time.UtcTicks / TimeSpan.TicksPerDay);

    public static DateOnly DateOf(int dayNumber) => DateOnly.FromDayNumber(dayNumber);

    /// <summary>The first RowKey of <paramref name="date"/>'s rows (every instance's row of the day sorts at or after it).</summary>
    public static string RowKeyOf(DateOnly date) => RowKeyPrefix + date.ToString(DayFormat, CultureInfo.InvariantCulture);

    /// <summary>The row's day (a method, not a property: the table SDK would store a property).</summary>
    public DateOnly GetDate() => DateOnly.ParseExact(RowKey.AsSpan(RowKeyPrefix.Length, DayFormat.Length), DayFormat, CultureInfo.InvariantCulture);

    /// <summary>Instance <paramref name="instanceId"/>'s row of key <paramref name="keyId"/> on day <paramref name="dayNumber"/>, with <paramref name="counts"/> indexed by <see cref="KeyVerificationOutcome"/>.</summary>
    public static KeyUsageEntity Of(string keyId, int dayNumber, string instanceId, int[] counts) => new()
    {
        PartitionKey = keyId,
        RowKey = $"{RowKeyOf(DateOf(dayNumber))}-{instanceId}",
        Ok = counts[(int)KeyVerificationOutcome.Ok],
        RateLimited = counts[(int)KeyVerificationOutcome.RateLimited],
        IpRefused = counts[(int)KeyVerificationOutcome.IpRefused],
        Expired = counts[(int)KeyVerificationOutcome.Expired],
        Revoked = counts[(int)KeyVerificationOutcome.Revoked],
        Suspended = counts[(int)KeyVerificationOutcome.Suspended],
    };

    public int CountOf(KeyVerificationOutcome outcome) => outcome switch
    {
        KeyVerificationOutcome.Ok => Ok,
        KeyVerificationOutcome.RateLimited => RateLimited,
        KeyVerificationOutcome.IpRefused => IpRefused,
        KeyVerificationOutcome.Expired => Expired,
        KeyVerificationOutcome.Revoked => Revoked,
        KeyVerificationOutcome.Suspended => Suspended,
        _ => 0,
    };
}
