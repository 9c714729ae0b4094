namespace Bkmark.Tests.Infrastructure;

/// <summary>
/// A test class over Core's services on Azurite (<see cref="CoreServices"/>). xunit makes an instance per test, so
/// each test gets services and tables of its own, started before it and deleted after it.
/// </summary>
public abstract class CoreServicesTest : IAsyncLifetime
{
    private CoreServices? core;

    protected CoreServices Core => core ?? throw new InvalidOperationException("Core's services start in InitializeAsync.");

    public async Task InitializeAsync() => core = await StartAsync();

    public async Task DisposeAsync()
    {
        if (core is not null)
        {
            await core.DisposeAsync();
        }
    }

    /// <summary>Starts the services; a test class that needs other settings or registrations overrides it.</summary>
    protected virtual Task<CoreServices> StartAsync() => CoreServices.StartAsync();
}
