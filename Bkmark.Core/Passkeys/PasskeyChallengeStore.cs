using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Bkmark.Core.Storage;
using Microsoft.Extensions.Options;

namespace Bkmark.Core.Passkeys;

/// <summary>
/// Ceremony challenges in Table Storage, not in memory: any instance may receive the browser's answer.
/// Each is consumed at most once, even when answered twice at the same moment.
/// </summary>
public sealed class PasskeyChallengeStore(BkmarkTables tables, TimeProvider time, IOptions<PasskeyOptions> options)
{
    private TableClient Challenges => tables[TableNames.PasskeyChallenges];

    /// <summary>Stores the options of a new ceremony.</summary>
    /// <returns>The challenge id the browser's answer must name: 128 random bits, hex.</returns>
    public async Task<string> CreateAsync(string ceremony, string userId, string optionsJson, CancellationToken cancellationToken)
    {
        var entity = new PasskeyChallengeEntity
        {
            PartitionKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Ceremony = ceremony,
            UserId = userId,
            OptionsJson = optionsJson,
            ExpiresAt = time.GetUtcNow() + options.Value.ChallengeLifetime,
        };
        await Challenges.AddEntityAsync(entity, cancellationToken);
        return entity.PartitionKey;
    }

    /// <summary>
    /// Takes the challenge out of storage. The delete is conditional on the ETag read: of two concurrent
    /// consumers, one deletes and the other gets 404 or 412, so exactly one sees the options.
    /// </summary>
    /// <returns>The options, or null when the challenge is unknown, already used, expired, or belongs
    /// to another ceremony or user.</returns>
    public async Task<string?> ConsumeAsync(string? challengeId, string ceremony, string userId, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(challengeId))
        {
            return null;
        }

        var found = await Challenges.GetEntityIfExistsAsync<PasskeyChallengeEntity>(challengeId!, "", cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return null;
        }

        var challenge = found.Value!;
        try
        {
            await Challenges.DeleteEntityAsync(challenge.PartitionKey, challenge.RowKey, challenge.ETag, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.IsNotFound() || exception.IsPreconditionFailed())
        {
            // Another request consumed it between our read and our delete.
            return null;
        }

        // Checked after the delete: an expired or misdirected challenge is spent all the same.
        var usable = time.GetUtcNow() < challenge.ExpiresAt
            && challenge.Ceremony == ceremony
            && challenge.UserId == userId;
        return usable ? challenge.OptionsJson : null;
    }

    private static bool IsWellFormed(string? challengeId) =>
        challengeId is { Length: 32 } && challengeId.All(char.IsAsciiHexDigitLower);
}
