namespace Bkmark.Core.Access;

/// <summary>Who may call a route, and so how the request's caller is authenticated (DESIGN.md §2, §8, §12).</summary>
public enum RouteAccess
{
    /// <summary>No credential is read: a sign-in, a link from an email, a public document.</summary>
    Anonymous,

    /// <summary>The host checks the function key (<c>x-functions-key</c>) before the function runs: operator and partner routes.</summary>
    FunctionKey,

    /// <summary>A signed-in session; an API key gets <c>API_KEY_NOT_ALLOWED</c>.</summary>
    Session,

    /// <summary>A session whose sign-in is recent (step-up, RFC 9470): the sensitive actions of DESIGN.md §8.</summary>
    RecentSession,

    /// <summary>A person's own credential, their session or API key (not an organisation's key), with the policy's scopes.</summary>
    KeyOrSession,

    /// <summary>As <see cref="KeyOrSession"/>, a session's sign-in recent (a key proves nothing more by re-authenticating).</summary>
    KeyOrRecentSession,

    /// <summary>Any credential, an organisation's key included: <c>GET /auth/verify</c>.</summary>
    AnyCredential,

    /// <summary>
    /// A library route: any credential with the policy's scopes, acting on the caller's library or, on an
    /// <c>/orgs/{orgId}/</c> route, on the organisation's (a member's session, or the organisation's own key).
    /// </summary>
    Library,

    /// <summary>A session of an admin or owner of the organisation in the route.</summary>
    OrganisationManager,

    /// <summary>As <see cref="OrganisationManager"/>, the sign-in recent.</summary>
    RecentOrganisationManager,

    /// <summary>The publishable key named in the route (<c>{key}</c>), for the request's origin, rate limited.</summary>
    PublishableKey,

    /// <summary>
    /// A secret-scanning partner: a valid GitHub signature over the raw body, or the reporters' function key. The host
    /// lets the request through (GitHub sends no function key); the function checks both with <c>LeakReporters</c>
    /// before it parses the body, since the signature covers its bytes.
    /// </summary>
    LeakReporter,
}

/// <summary>A route's authentication policy: who may call it and the scopes the credential must carry.</summary>
public sealed record RoutePolicy(RouteAccess Access, IReadOnlyList<string> Scopes)
{
    public static RoutePolicy Anonymous { get; } = new(RouteAccess.Anonymous, []);

    public static RoutePolicy FunctionKey { get; } = new(RouteAccess.FunctionKey, []);

    public static RoutePolicy Session { get; } = new(RouteAccess.Session, []);

    public static RoutePolicy RecentSession { get; } = new(RouteAccess.RecentSession, []);

    public static RoutePolicy KeyOrRecentSession { get; } = new(RouteAccess.KeyOrRecentSession, []);

    public static RoutePolicy AnyCredential { get; } = new(RouteAccess.AnyCredential, []);

    public static RoutePolicy OrganisationManager { get; } = new(RouteAccess.OrganisationManager, []);

    public static RoutePolicy RecentOrganisationManager { get; } = new(RouteAccess.RecentOrganisationManager, []);

    public static RoutePolicy PublishableKey { get; } = new(RouteAccess.PublishableKey, []);

    public static RoutePolicy LeakReporter { get; } = new(RouteAccess.LeakReporter, []);

    public static RoutePolicy KeyOrSession(params string[] scopes) => new(RouteAccess.KeyOrSession, scopes);

    /// <summary>A library route needing <paramref name="scope"/> and then <paramref name="more"/>, checked in that order.</summary>
    public static RoutePolicy Library(string scope, params string[] more) => new(RouteAccess.Library, [scope, .. more]);

    /// <summary>Whether the function itself authenticates a caller (the host checks a function key; anonymous reads none).</summary>
    public bool AuthenticatesCaller => Access is not (RouteAccess.Anonymous or RouteAccess.FunctionKey or RouteAccess.LeakReporter);

    /// <summary>Only a signed-in session passes: an API key is refused.</summary>
    public bool SessionOnly => Access is RouteAccess.Session or RouteAccess.RecentSession or RouteAccess.OrganisationManager or RouteAccess.RecentOrganisationManager;

    /// <summary>A session must have signed in recently (step-up).</summary>
    public bool NeedsRecentSignIn => Access is RouteAccess.RecentSession or RouteAccess.KeyOrRecentSession or RouteAccess.RecentOrganisationManager;

    public override string ToString() => Scopes.Count == 0 ? Access.ToString() : $"{Access}({string.Join(", ", Scopes)})";
}
