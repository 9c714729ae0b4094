using System.Runtime.Serialization;

namespace Bkmark.Core.PublishableKeys;

/// <summary>
/// What a request with a publishable key is checked against. PartitionKey = <c>CredentialHasher.PartitionOf(keyPrefix)</c>,
/// RowKey = HMAC-SHA256(pepper, key), as for every bearer credential (DESIGN.md §3): one point read, no query.
/// Deleting the key deletes this entity, after which the key is unknown (<c>INVALID_TOKEN</c>).
/// </summary>
internal sealed class PublishableKeyCredentialEntity : StoredEntity
{
    public string KeyId { get; set; } = "";
    public string UserId { get; set; } = "";
    public string KeyPrefix { get; set; } = "";

    /// <summary>Space-separated group ids (upper-case ULIDs).</summary>
    public string GroupIds { get; set; } = "";

    /// <summary>Space-separated origins, normalised (<c>https://example.com</c>, <c>http://localhost:3000</c>).</summary>
    public string AllowedOrigins { get; set; } = "";

    [IgnoreDataMember]
    public IReadOnlyList<string> GroupIdList => GroupIds.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [IgnoreDataMember]
    public IReadOnlyList<string> AllowedOriginList => AllowedOrigins.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// A user's publishable key as listed: PartitionKey = user id, RowKey = key id, so listing is one partition query.
/// Holds the key itself (it is not secret and is always shown in full) and the credential's keys. Written before
/// the credential and deleted after it, so there is never a working key its owner cannot see and delete.
/// </summary>
internal sealed class PublishableKeyIndexEntity : StoredEntity
{
    public string KeyId => RowKey;
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
    public string GroupIds { get; set; } = "";
    public string AllowedOrigins { get; set; } = "";
    public string CredentialPartition { get; set; } = "";
    public string CredentialRow { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
