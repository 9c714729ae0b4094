using Azure;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Passkeys;

/// <summary>
/// Ceremony challenges in Table Storage, not in memory: any instance may receive the browser's answer.
/// Each is consumed at most once, even when answered twice at the same moment.
/// </summary>
internal sealed class PasskeyChallengeStore(BkmarkTables tables, ExpiryIndex expiry, TimeProvider time, IOptions<PasskeyOptions> options)
{
    /// <summary>Challenges as the sweep reads and deletes them.</summary>
    public SweepableTable<PasskeyChallengeEntity> Sweepable => new(tables, TableNames.PasskeyChallenges);

    /// <summary>Stores the options of a new ceremony.</summary>
    /// <returns>The challenge id the browser's answer must name: 128 random bits, hex.</returns>
    public async Task<string> CreateAsync(string ceremony, string userId, string optionsJson, string? context, CancellationToken cancellationToken)
    {
        var entity = new PasskeyChallengeEntity
        {
            PartitionKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Ceremony = ceremony,
            UserId = userId,
            OptionsJson = optionsJson,
            Context = context,
            ExpiresAt = time.GetUtcNow() + options.Value.ChallengeLifetime,
        };
        // Unanswered challenges are left to the sweep; scheduled first, so none is missed.
        await expiry.ScheduleAsync(PasskeyChallengeExpiryHandler.KindName, entity.PartitionKey, entity.RowKey, entity.ExpiresAt, cancellationToken);
        await Challenges(entity.PartitionKey).AddEntityAsync(entity, cancellationToken);
        return entity.PartitionKey;
    }

    /// <summary>
    /// Marks the challenge used, conditional on the ETag read: of two concurrent consumers, one writes and
    /// the other gets 412 (or 404), so exactly one sees the options. Then removes it, as tidiness.
    /// </summary>
    /// <returns>The challenge (its options and context), or null when it is unknown, already used, expired, or belongs
    /// to another ceremony or user.</returns>
    public async Task<PasskeyChallengeEntity?> ConsumeAsync(string? challengeId, string ceremony, string userId, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(challengeId))
        {
            return null;
        }

        var found = await Challenges(challengeId!).GetEntityIfExistsAsync<PasskeyChallengeEntity>(challengeId!, "", cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value!.ConsumedAt is not null)
        {
            return null;
        }

        var challenge = found.Value;
        challenge.ConsumedAt = time.GetUtcNow();
        Response consumed;
        try
        {
            // An update, not a delete: Azurite does not hold a conditional delete to its ETag under concurrency.
            consumed = await Challenges(challenge.PartitionKey).UpdateEntityAsync(challenge, challenge.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.IsNotFound() || exception.IsPreconditionFailed())
        {
            // Another request consumed it between our read and our write.
            return null;
        }

        await DeleteSpentAsync(challenge.PartitionKey, consumed.Headers.ETag ?? ETag.All, cancellationToken);

        // Checked after consuming: an expired or misdirected challenge is spent all the same.
        var usable = challenge.ConsumedAt < challenge.ExpiresAt
            && challenge.Ceremony == ceremony
            && challenge.UserId == userId;
        return usable ? challenge : null;
    }

    /// <summary>
    /// Reads a challenge without consuming it: who it is for, so that the answer's attempt can be throttled on that
    /// user before it is checked (§7).
    /// </summary>
    /// <returns>The challenge, or null when it is unknown, used, expired or of another ceremony.</returns>
    public async Task<PasskeyChallengeEntity?> PeekAsync(string? challengeId, string ceremony, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(challengeId))
        {
            return null;
        }

        var found = await Challenges(challengeId!).GetEntityIfExistsAsync<PasskeyChallengeEntity>(challengeId!, "", cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { ConsumedAt: null } challenge && challenge.Ceremony == ceremony
            && time.GetUtcNow() < challenge.ExpiresAt
            ? challenge
            : null;
    }

    private async Task DeleteSpentAsync(string challengeId, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await Challenges(challengeId).DeleteEntityAsync(challengeId, "", etag, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.IsNotFound() || exception.IsPreconditionFailed())
        {
            // Already gone; a used challenge that stays is refused by its ConsumedAt and swept when expired.
        }
    }

    private TableClient Challenges(string challengeId) => tables[TableNames.PasskeyChallenges, challengeId];

    private static bool IsWellFormed(string? challengeId) =>
        challengeId is { Length: 32 } && challengeId.All(char.IsAsciiHexDigitLower);
}
