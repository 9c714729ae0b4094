using Azure;

namespace Bkmark.Core.Accounts;

/// <summary>Users and their email index in Table Storage.</summary>
internal sealed class UserStore(BkmarkTables tables, TimeProvider time)
{
    /// <summary>
    /// A claim younger than this is never taken for stale: its writer may still be between claiming the address
    /// and writing the user. Far longer than a request takes.
    /// </summary>
    public static readonly TimeSpan ClaimSettleTime = TimeSpan.FromMinutes(5);

    // Rows without the property do not match a comparison, so this finds exactly the deleted users.
    private const string DeletedFilter = "DeletedAt ge datetime'1601-01-01T00:00:00Z'";

    // Not a ULID (those are 26 characters), so no user ever has this id.
    private const string NoUserId = "nobody";

    private TableClient Users(string userId) => tables[TableNames.Users, userId];

    private TableClient Emails(string emailKey) => tables[TableNames.UserEmails, emailKey];

    /// <summary>The user's row, deleted or not (<see cref="UserEntity.DeletedAt"/> tells).</summary>
    public async Task<UserEntity?> FindByIdAsync(string userId, CancellationToken cancellationToken)
    {
        if (!IsValidKey(userId))
        {
            return null;
        }

        return await Users(userId).FindAsync<UserEntity>(userId, UserEntity.ProfileRowKey, cancellationToken);
    }

    /// <summary>
    /// The user signing in with this email: the email index, then the user. An unknown email reads a user
    /// row that cannot exist instead, so both answers cost the same two point reads (DESIGN.md §7). A stale
    /// claim (its user has another email now, or is deleted) finds nobody.
    /// </summary>
    public async Task<UserEntity?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        var key = EmailKey(normalizedEmail);
        var index = await Emails(key).FindAsync<UserEmailEntity>(key, "", cancellationToken);
        var userId = index?.UserId ?? NoUserId;
        var user = await Users(userId).FindAsync<UserEntity>(userId, UserEntity.ProfileRowKey, cancellationToken);
        return index is not null && Owns(user, normalizedEmail) ? user : null;
    }

    /// <summary>
    /// Creates the user, then claims the email. Two registrations racing for one email both write a
    /// user; only one claims the email, and the other removes its user again.
    /// </summary>
    /// <returns>False when the email is taken.</returns>
    public async Task<bool> CreateAsync(UserEntity user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await Users(user.PartitionKey).AddEntityAsync(user, cancellationToken);
        if (await TryClaimEmailAsync(user.Email, user.Id, cancellationToken))
        {
            return true;
        }

        await Users(user.PartitionKey).DeleteEntityAsync(user.PartitionKey, user.RowKey, ETag.All, cancellationToken);
        return false;
    }

    /// <summary>
    /// Makes <paramref name="normalizedEmail"/> point at <paramref name="userId"/>: the step before a user may carry
    /// that email, so two users can never both own one. A claim the user already holds counts; a settled stale
    /// claim (its user no longer has the address) is removed, conditional on its ETag, and claimed again.
    /// </summary>
    /// <returns>False when another user owns the address (or claimed it moments ago).</returns>
    public async Task<bool> TryClaimEmailAsync(string normalizedEmail, string userId, CancellationToken cancellationToken)
    {
        var key = EmailKey(normalizedEmail);
        // A second round only after removing a stale claim; losing that race too means someone else claimed it.
        for (var round = 0; round < 2; round++)
        {
            try
            {
                await Emails(key).AddEntityAsync(new UserEmailEntity { PartitionKey = key, UserId = userId, ClaimedAt = time.GetUtcNow() }, cancellationToken);
                return true;
            }
            catch (RequestFailedException exception) when (exception.IsConflict())
            {
                // Claimed: by this user, by an owner, or stale.
            }

            var claim = await Emails(key).FindAsync<UserEmailEntity>(key, "", cancellationToken);
            if (claim is null)
            {
                continue;
            }

            if (claim.UserId == userId)
            {
                return true;
            }

            var holder = await FindByIdAsync(claim.UserId, cancellationToken);
            if (Owns(holder, normalizedEmail) || time.GetUtcNow() - claim.ClaimedAt < ClaimSettleTime
                || await Emails(key).TryDeleteAsync(claim, cancellationToken) == DeleteOutcome.Changed)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Frees <paramref name="normalizedEmail"/> if <paramref name="userId"/> holds it (after a change of email, or a deletion).</summary>
    public async Task ReleaseEmailAsync(string normalizedEmail, string userId, CancellationToken cancellationToken)
    {
        var key = EmailKey(normalizedEmail);
        var claim = await Emails(key).FindAsync<UserEmailEntity>(key, "", cancellationToken);
        if (claim is not null && claim.UserId == userId)
        {
            // Changed meanwhile means someone re-claimed a released address: theirs now.
            await Emails(key).TryDeleteAsync(claim, cancellationToken);
        }
    }

    /// <summary>Replaces the user if nobody changed it since it was read.</summary>
    /// <returns>False when the ETag no longer matches (a lost race).</returns>
    public Task<bool> TryUpdateAsync(UserEntity user, CancellationToken cancellationToken) =>
        Users(user.PartitionKey).TryReplaceAsync(user, cancellationToken);

    /// <summary>Removes a deleted user's row, the last step of erasing the account.</summary>
    public Task<DeleteOutcome> TryRemoveAsync(UserEntity user, CancellationToken cancellationToken) =>
        Users(user.PartitionKey).TryDeleteAsync(user, cancellationToken);

    /// <summary>Every deleted user not yet erased, for the expiry backfill; scans the table in every account, never on a request path.</summary>
    public IAsyncEnumerable<UserEntity> ScanDeletedAsync(CancellationToken cancellationToken) =>
        tables.EveryAccount(TableNames.Users).QueryAllAsync<UserEntity>(DeletedFilter, select: null, cancellationToken);

    private static bool Owns(UserEntity? user, string normalizedEmail) =>
        user is { DeletedAt: null } && user.Email == normalizedEmail;

    private static string EmailKey(string normalizedEmail) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));

    private static bool IsValidKey(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);
}
