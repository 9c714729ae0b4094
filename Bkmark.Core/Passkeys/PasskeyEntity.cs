using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Passkeys;

/// <summary>
/// A registered passkey: the authority for signing in with it. PartitionKey = user id (listing and
/// counting a user's passkeys is one partition query), RowKey = the passkey's id (a ULID).
/// </summary>
internal sealed class PasskeyEntity : StoredEntity
{
    public string UserId => PartitionKey;
    public string Id => RowKey;

    /// <summary>The authenticator's credential id (base64url), as the browser reports it in <c>rawId</c>.</summary>
    public string CredentialId { get; set; } = "";

    /// <summary>The COSE-encoded public key.</summary>
    public byte[] PublicKey { get; set; } = [];

    /// <summary>The WebAuthn user handle the credential was created for (base64url).</summary>
    public string UserHandle { get; set; } = "";

    /// <summary>The last signature counter seen (a uint32 in WebAuthn; Table Storage has no unsigned type).</summary>
    public long SignatureCounter { get; set; }

    public bool BackupEligible { get; set; }
    public bool BackedUp { get; set; }

    /// <summary>Comma-separated WebAuthn transports ("internal,hybrid"), handed back in <c>excludeCredentials</c>.</summary>
    public string Transports { get; set; } = "";

    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>One of <see cref="PasskeyPurposes"/>; null (rows from before purposes) is a passkey.</summary>
    public string? Purpose { get; set; }
}

/// <summary>
/// Credential id → passkey, global: what makes a credential id unique across all users and lets sign-in
/// find a discoverable credential with one point read. PartitionKey = SHA-256 of the raw credential id
/// (hex; ids are up to 1023 bytes and binary), RowKey = "". Written before the <see cref="PasskeyEntity"/>
/// and removed after it, so a crash in between leaves an index pointing nowhere (repaired on the next
/// registration of that id), never a passkey that its owner cannot see.
/// </summary>
internal sealed class PasskeyCredentialIndexEntity : StoredEntity
{
    public string UserId { get; set; } = "";
    public string PasskeyId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A ceremony's challenge, waiting for the browser's answer. PartitionKey = the random challenge id,
/// RowKey = "". Marked used (with its ETag) when answered, so it is answered at most once, then deleted.
/// </summary>
internal sealed class PasskeyChallengeEntity : StoredEntity, IExpiringEntity
{
    /// <summary>One of <see cref="PasskeyCeremony"/>.</summary>
    public string Ceremony { get; set; } = "";

    /// <summary>Who asked, for registration; empty for sign-in (the user is not known yet).</summary>
    public string UserId { get; set; } = "";

    /// <summary>The options sent to the browser, as Fido2 wrote them: verification needs them back.</summary>
    public string OptionsJson { get; set; } = "";

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>Set by the one request that consumed it.</summary>
    public DateTimeOffset? ConsumedAt { get; set; }

    /// <summary>
    /// What the ceremony carries through to its answer, for the service that started it: a registration's purpose,
    /// or a second step's note from the password step. Never a secret.
    /// </summary>
    public string? Context { get; set; }
}

/// <summary>The WebAuthn ceremonies a challenge can belong to.</summary>
public static class PasskeyCeremony
{
    public const string Registration = "registration";
    public const string Authentication = "authentication";

    /// <summary>The second step of a password sign-in (DESIGN.md §17), bound to the user whose password was right.</summary>
    public const string SecondFactor = "second-factor";
}

/// <summary>What a registered credential is for.</summary>
public static class PasskeyPurposes
{
    /// <summary>A discoverable, user-verifying credential: signs in on its own, or serves as a second step.</summary>
    public const string Passkey = "passkey";

    /// <summary>A security key that may be non-discoverable and need no PIN: only the second step after a password.</summary>
    public const string SecondFactor = "second-factor";

    public static IReadOnlyList<string> All { get; } = [Passkey, SecondFactor];
}
