using Azure.Core.Pipeline;
using Bkmark.Core.Sessions;

namespace Bkmark.Tests.Storage;

/// <summary>
/// Services whose every conditional write loses its race answer 409 CONFLICT through
/// <see cref="OptimisticConcurrency"/>; before it they threw, and the client saw a 500.
/// </summary>
public sealed class LostRaceTests : CoreServicesTest
{
    private static readonly ClientInfo Client = new("tests", "127.0.0.1");
    private readonly StorageFaults faults = new() { Status = 412 };

    protected override Task<CoreServices> StartAsync() =>
        CoreServices.StartAsync(configure: services => services.AddSingleton<HttpPipelinePolicy>(faults));

    [Fact]
    public async Task RevokeSession_ReturnsConflict_WhenEveryWriteLosesItsRace()
    {
        var sessions = Core.Get<SessionService>();
        var tokens = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);
        faults.FailWhen = (method, _) => method == "PUT";

        var revoked = await sessions.RevokeAsync("user1", tokens.SessionId, "test", CancellationToken.None);

        Assert.Equal(ErrorCodes.Conflict, revoked.Problem?.Code);
        Assert.Equal(409, revoked.Problem?.Status);
    }

    [Fact]
    public async Task Refresh_ReturnsConflict_AndLeavesTheSessionUsable_WhenPointingItAtTheSuccessorKeepsLosing()
    {
        var sessions = Core.Get<SessionService>();
        var tokens = await sessions.SignInAsync("user1", AuthMethods.Password, Client, CancellationToken.None);
        // The refresh token's rotation mark (a MERGE) goes through; every replace of the session loses.
        var sessionTable = $"/{Core.TablePrefix}{TableNames.Sessions}(";
        faults.FailWhen = (method, uri) => method == "PUT" && uri.AbsolutePath.Contains(sessionTable, StringComparison.Ordinal);

        var refreshed = await sessions.RefreshAsync(tokens.RefreshToken, CancellationToken.None);
        faults.FailWhen = null;
        var session = await sessions.CheckActiveAsync("user1", tokens.SessionId, CancellationToken.None);

        Assert.Equal(ErrorCodes.Conflict, refreshed.Problem?.Code);
        Assert.True(session.Succeeded);
    }
}
