namespace Bkmark.Core.Shared;

/// <summary>Who made an authenticated request, and with what rights.</summary>
public sealed record Caller(
    string UserId,
    CredentialType CredentialType,
    IReadOnlyCollection<string> Scopes,
    DateTimeOffset? ExpiresAt,
    string? SessionId = null,
    string? KeyId = null)
{
    public bool IsSession => CredentialType == CredentialType.Session;

    /// <summary>
    /// Whose library the library routes (bookmarks, tags, groups, search, import/export) act on: the
    /// user's own unless the credential is bound to another one, such as an organisation's or a test key's
    /// sandbox (DESIGN.md §12). The library stores partition by it.
    /// </summary>
    public string LibraryId { get => libraryId ?? UserId; init => libraryId = value; }

    private readonly string? libraryId;

    /// <summary>A test key (<c>bk_test_…</c>): it acts on its owner's sandbox and manages only test keys.</summary>
    public bool IsTestKey { get; init; }

    /// <summary>A publishable key: the groups it names (read only while their owner keeps them public).</summary>
    public IReadOnlyCollection<string>? PublishableGroupIds { get; init; }

    /// <summary>
    /// The organisation this caller acts for: an organisation's API key, or a member's session on an
    /// <c>/orgs/{orgId}/…</c> route. Null for a person acting on their own account.
    /// </summary>
    public string? OrganisationId { get; init; }

    /// <summary>An API key's own per-minute rate limit (null for a session), the most it may give a key it creates.</summary>
    public int? RateLimitPerMinute { get; init; }

    /// <summary>An API key's fence (<c>allowedIps</c>, canonical CIDR ranges; empty: anywhere), the widest a key it creates or changes may have.</summary>
    public IReadOnlyList<string> AllowedIps { get; init; } = [];

    /// <summary>For a session: when the person last proved who they are (the access token's <c>auth_time</c>).</summary>
    public DateTimeOffset? AuthenticatedAt { get; init; }

    /// <summary>For a session: how that proof was made (the access token's <c>proof_method</c>, one of <see cref="AuthMethods"/>).</summary>
    public string? ProofMethod { get; init; }

    /// <summary>
    /// Headers every answer to this credential carries, e.g. an API key's <c>RateLimit-*</c>. Core only
    /// reports them (as <see cref="Errors.Problem.Headers"/> on a refusal); the Functions layer writes them.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ResponseHeaders { get; init; }

    /// <summary>
    /// The request's browser and address, as the request authenticator read them: the service that acts
    /// for this caller records its security event with them (DESIGN.md §8), so no function has to.
    /// </summary>
    public ClientInfo Client { get; init; } = ClientInfo.Unknown;

    public bool HasScope(string scope) => Shared.Scopes.Allows(Scopes, scope);

    /// <summary>Refuses this authenticated caller with <paramref name="problem"/>, keeping the headers the credential earned.</summary>
    public Errors.Problem Refuse(Errors.Problem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return ResponseHeaders is null ? problem : problem with { Headers = ResponseHeaders };
    }
}

public enum CredentialType
{
    /// <summary>A signed-in session's access token (JWT): every scope.</summary>
    Session,

    /// <summary>A <c>bk_</c> API key: exactly the scopes it was granted.</summary>
    ApiKey,

    /// <summary>A <c>bk_pub_</c> publishable key: no scopes; it reads only the public groups it names, and nothing else.</summary>
    PublishableKey,
}
