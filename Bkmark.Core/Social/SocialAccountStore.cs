using Bkmark.Core.Accounts;

namespace Bkmark.Core.Social;

/// <summary>
/// Linked social accounts. The user's link (a partition per user, what the page lists) is written before the
/// identity index that sign-in reads, and removed after it: a crash in between leaves a link the user can see
/// and remove, never a way in the user cannot see.
/// </summary>
internal sealed class SocialAccountStore(BkmarkTables tables) : ISignInMethodHolder
{
    private TableClient Accounts(string userId) => tables[TableNames.SocialAccounts, userId];

    private TableClient Identities(string identityKey) => tables[TableNames.SocialIdentities, identityKey];

    /// <summary>Who signs in with this provider's subject, or null: one point read.</summary>
    public Task<SocialIdentityEntity?> FindIdentityAsync(string provider, string subject, CancellationToken cancellationToken)
    {
        var key = IdentityKey(provider, subject);
        return Identities(key).FindAsync<SocialIdentityEntity>(key, "", cancellationToken);
    }

    public async Task<IReadOnlyList<SocialAccountEntity>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var links = new List<SocialAccountEntity>();
        await foreach (var link in Accounts(userId).QueryAsync<SocialAccountEntity>(e => e.PartitionKey == userId, cancellationToken: cancellationToken))
        {
            links.Add(link);
        }

        return links;
    }

    /// <summary>Each link signs in on its own: one partition query that reads only the keys.</summary>
    public Task<int> CountSignInMethodsAsync(string userId, CancellationToken cancellationToken) => Accounts(userId).CountPartitionAsync(userId, cancellationToken);

    /// <summary>The user's link with this id (a ULID; anything else finds nothing without asking storage).</summary>
    public async Task<SocialAccountEntity?> FindAsync(string userId, string id, CancellationToken cancellationToken) =>
        IdGenerator.IsValid(id) ? await Accounts(userId).FindAsync<SocialAccountEntity>(userId, id, cancellationToken) : null;

    /// <summary>Writes the link, then claims the identity for it.</summary>
    /// <returns>False when the identity is already someone's (the link is removed again).</returns>
    public async Task<bool> TryAddAsync(SocialAccountEntity link, CancellationToken cancellationToken)
    {
        await Accounts(link.PartitionKey).AddAsync(link, cancellationToken);
        var identity = new SocialIdentityEntity
        {
            PartitionKey = IdentityKey(link.Provider, link.Subject),
            UserId = link.UserId,
            SocialAccountId = link.Id,
        };
        try
        {
            await Identities(identity.PartitionKey).AddAsync(identity, cancellationToken);
            return true;
        }
        catch (Azure.RequestFailedException exception) when (exception.IsConflict())
        {
            await Accounts(link.PartitionKey).TryDeleteAsync(link, cancellationToken);
            return false;
        }
    }

    /// <summary>Removes the identity (no more sign-ins with it), then the link.</summary>
    /// <returns>False when the link was already gone (a concurrent removal took it).</returns>
    public async Task<bool> RemoveAsync(SocialAccountEntity link, CancellationToken cancellationToken)
    {
        var identity = await FindIdentityAsync(link.Provider, link.Subject, cancellationToken);
        if (identity is not null && identity.SocialAccountId == link.Id)
        {
            await Identities(identity.PartitionKey).TryDeleteAsync(identity, cancellationToken);
        }

        return await Accounts(link.PartitionKey).TryDeleteAsync(link, cancellationToken) == DeleteOutcome.Deleted;
    }

    // Subjects are the provider's strings (any characters, any length): hashed into a valid key.
    private static string IdentityKey(string provider, string subject) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{provider}\n{subject}")));
}

/// <summary>A social account linked to a user. PartitionKey = user id, RowKey = link id (ULID).</summary>
internal sealed class SocialAccountEntity : StoredEntity
{
    public string UserId => PartitionKey;
    public string Id => RowKey;
    public string Provider { get; set; } = "";

    /// <summary>The provider's <c>sub</c>: the identity, stable where the email may change.</summary>
    public string Subject { get; set; } = "";

    /// <summary>The address the provider showed when it was linked, so the person can tell their links apart.</summary>
    public string? Email { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Provider + subject → the link. PartitionKey = SHA-256 of both, RowKey = "".</summary>
internal sealed class SocialIdentityEntity : StoredEntity
{
    public string UserId { get; set; } = "";
    public string SocialAccountId { get; set; } = "";
}
