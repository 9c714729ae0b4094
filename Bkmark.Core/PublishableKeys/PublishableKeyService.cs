using Bkmark.Core.Accounts;
using Bkmark.Core.Library.Groups;
using Bkmark.Core.SecurityLog;

namespace Bkmark.Core.PublishableKeys;

/// <summary>
/// Creating, listing and deleting a user's publishable keys (DESIGN.md §12): read-only keys for browsers, naming
/// the groups they may read and the origins they may be used from. Managed with a session only.
/// </summary>
public sealed partial class PublishableKeyService
{
    private readonly PublishableKeyStore store;
    private readonly AccountDirectory accounts;
    private readonly GroupService groups;
    private readonly CredentialHasher hasher;
    private readonly IdGenerator ids;
    private readonly TimeProvider time;
    private readonly SecurityEventLog securityLog;
    private readonly PublishableKeyOptions options;
    private readonly ILogger<PublishableKeyService> logger;

    // Internal because the store it takes is; registered with AddServiceWithInternalConstructor.
    internal PublishableKeyService(
        PublishableKeyStore store,
        AccountDirectory accounts,
        GroupService groups,
        CredentialHasher hasher,
        IdGenerator ids,
        TimeProvider time,
        SecurityEventLog securityLog,
        IOptions<PublishableKeyOptions> options,
        ILogger<PublishableKeyService> logger)
    {
        this.store = store;
        this.accounts = accounts;
        this.groups = groups;
        this.hasher = hasher;
        this.ids = ids;
        this.time = time;
        this.securityLog = securityLog;
        this.options = options.Value;
        this.logger = logger;
    }

    /// <summary>
    /// Creates a key for the caller's own (live) library. Every named group must exist; it need not be public yet,
    /// since the key reads a group only while it is public.
    /// </summary>
    public async Task<Result<PublishableKey>> CreateAsync(Caller caller, NewPublishableKey request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);

        var errors = new FieldErrors();
        var name = errors.Name("name", request.Name);

        var groupIds = CheckGroupIds(request.GroupIds, errors);
        var origins = CheckOrigins(request.AllowedOrigins, errors);
        if (errors.Problem is { } invalid)
        {
            return invalid;
        }

        var verified = await accounts.FindVerifiedAsync(caller.UserId, cancellationToken);
        if (!verified.Succeeded)
        {
            return verified.Problem;
        }

        var found = await Task.WhenAll(groupIds!.Select(id => groups.ExistsAsync(caller.UserId, id, cancellationToken)));
        if (found.Contains(false))
        {
            return Problems.Validation("groupIds", $"No group of yours has the id {groupIds![Array.IndexOf(found, false)]}.");
        }

        var now = time.GetUtcNow();
        var id = ids.NewId();
        var key = PublishableKeyFormat.Generate();
        var keyPrefix = PublishableKeyFormat.KeyPrefixOf(key);
        var credential = new PublishableKeyCredentialEntity
        {
            PartitionKey = CredentialHasher.PartitionOf(keyPrefix),
            RowKey = hasher.Hash(key),
            KeyId = id,
            UserId = caller.UserId,
            KeyPrefix = keyPrefix,
            GroupIds = string.Join(' ', groupIds!),
            AllowedOrigins = string.Join(' ', origins!),
        };
        var index = new PublishableKeyIndexEntity
        {
            PartitionKey = caller.UserId,
            RowKey = id,
            Name = name!,
            Key = key,
            GroupIds = credential.GroupIds,
            AllowedOrigins = credential.AllowedOrigins,
            CredentialPartition = credential.PartitionKey,
            CredentialRow = credential.RowKey,
            CreatedAt = now,
        };

        // Index first: a crash before the credential leaves a listed key that does not work yet, never a working one its owner cannot see.
        await store.AddIndexAsync(index, cancellationToken);
        await store.AddCredentialAsync(credential, cancellationToken);
        LogCreated(logger, id, keyPrefix, caller.UserId);
        var created = ToView(index);
        await securityLog.RecordAsync(caller, SecurityEventTypes.PublishableKeyCreated, DetailsOf(created.Id), cancellationToken);
        return created;
    }

    /// <summary>The user's publishable keys, in full, oldest first: one partition query.</summary>
    public async Task<IReadOnlyList<PublishableKey>> ListAsync(string userId, CancellationToken cancellationToken) =>
        (await store.ListIndexAsync(userId, cancellationToken)).Select(ToView).ToList();

    /// <summary>Deletes the key: the credential first (the next request with it, on any instance, is <c>INVALID_TOKEN</c>), then its listing.</summary>
    public async Task<Result<bool>> DeleteAsync(Caller caller, string keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var userId = caller.UserId;
        var index = IdGenerator.IsValid(keyId) ? await store.FindIndexAsync(userId, keyId.ToUpperInvariant(), cancellationToken) : null;
        if (index is null)
        {
            return Problems.NotFound("The publishable key");
        }

        await store.DeleteCredentialIfExistsAsync(index.CredentialPartition, index.CredentialRow, cancellationToken);
        // Of two deletions at once, the one that removed the listing deleted the key; the other found it gone.
        if (!await store.DeleteIndexIfExistsAsync(index, cancellationToken))
        {
            return Problems.NotFound("The publishable key");
        }

        LogDeleted(logger, index.KeyId, PublishableKeyFormat.KeyPrefixOf(index.Key), userId);
        await securityLog.RecordAsync(caller, SecurityEventTypes.PublishableKeyDeleted, DetailsOf(keyId), cancellationToken);
        return true;
    }

    private static Dictionary<string, string> DetailsOf(string keyId) => new() { ["keyId"] = keyId };

    private IReadOnlyList<string>? CheckGroupIds(IReadOnlyList<string?>? groupIds, FieldErrors errors)
    {
        if (groupIds is null || groupIds.Count == 0 || groupIds.Count > options.MaxGroups)
        {
            errors.Add("groupIds", $"Name 1 to {options.MaxGroups} groups.");
            return null;
        }

        if (groupIds.Any(id => !IdGenerator.IsValid(id)))
        {
            errors.Add("groupIds", "Every group id must be a group's id (26 characters).");
            return null;
        }

        return groupIds.Select(id => id!.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
    }

    private IReadOnlyList<string>? CheckOrigins(IReadOnlyList<string?>? origins, FieldErrors errors)
    {
        if (origins is null || origins.Count == 0 || origins.Count > options.MaxOrigins)
        {
            errors.Add("allowedOrigins", $"Name 1 to {options.MaxOrigins} origins, e.g. https://example.com.");
            return null;
        }

        var normalized = origins.Select(AllowedOrigins.Normalize).ToList();
        if (normalized.IndexOf(null) is var bad and >= 0)
        {
            errors.Add("allowedOrigins", $"'{origins[bad]}' is not an origin: use scheme://host[:port] with http or https, no path and no wildcard.");
            return null;
        }

        return normalized.Select(origin => origin!).Distinct(StringComparer.Ordinal).ToList();
    }

    private static PublishableKey ToView(PublishableKeyIndexEntity index) => new(
        index.KeyId,
        index.Name,
        index.Key,
        index.GroupIds.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        index.AllowedOrigins.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        index.CreatedAt);

    [LoggerMessage(EventId = 3701, Level = LogLevel.Information, Message = "Publishable key {KeyId} ({KeyPrefix}) created for user {UserId}")]
    private static partial void LogCreated(ILogger logger, string keyId, string keyPrefix, string userId);

    [LoggerMessage(EventId = 3702, Level = LogLevel.Information, Message = "Publishable key {KeyId} ({KeyPrefix}) of user {UserId} deleted")]
    private static partial void LogDeleted(ILogger logger, string keyId, string keyPrefix, string userId);
}
