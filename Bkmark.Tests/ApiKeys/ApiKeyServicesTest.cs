using Bkmark.Core.Accounts;
using Bkmark.Core.ApiKeys;

namespace Bkmark.Tests.ApiKeys;

/// <summary>
/// A test of API keys on Core's services: a Pro user signed in, and the key service and verifier they use.
/// </summary>
public abstract class ApiKeyServicesTest : CoreServicesTest
{
    // A request from a documentation address (RFC 5737) with no browser: no key here has allowedIps.
    protected static readonly ClientInfo AnyClient = new(UserAgent: null, IpAddress: "192.0.2.1");

    protected static readonly string[] ReadBookmarks = [Scopes.BookmarksRead];

    protected string UserId { get; private set; } = "";

    protected Caller Session { get; private set; } = null!;

    protected ApiKeyService Keys => Core.Get<ApiKeyService>();

    protected ApiKeyRoller Roller => Core.Get<ApiKeyRoller>();

    protected IApiKeyVerifier Verifier => Core.Get<IApiKeyVerifier>();

    protected sealed override async Task<CoreServices> StartAsync()
    {
        var core = await StartServicesAsync();
        (UserId, Session) = await core.CreateUserAsync(Plans.Pro);
        return core;
    }

    /// <summary>Starts the services; a test class that needs other settings or registrations overrides it.</summary>
    protected virtual Task<CoreServices> StartServicesAsync() => CoreServices.StartAsync();

    protected async Task<CreatedApiKey> CreateAsync(DateTimeOffset? expiresAt = null) => (await TryCreateAsync(expiresAt)).Value!;

    protected Task<Result<CreatedApiKey>> TryCreateAsync(DateTimeOffset? expiresAt = null) =>
        Keys.CreateAsync(Session, new NewApiKey("key", ReadBookmarks, expiresAt, null), CancellationToken.None);
}
