using Azure.Data.Tables;
using Bkmark.Core.Maintenance;
using Bkmark.Core.Sessions;

namespace Bkmark.Tests.Maintenance;

/// <summary>Shortcuts the sweep tests share: sign-ins, sweeping later, counting what is stored.</summary>
internal static class SweepTestData
{
    /// <summary>Past any deadline by this much, the bucket holding it has closed.</summary>
    public static readonly TimeSpan BucketClosed = TimeSpan.FromMinutes(16);

    private static readonly ClientInfo Client = new("sweep-tests", "127.0.0.1");

    public static async Task<(string UserId, TokenResponse Tokens)> SignInAsync(this CoreServices core)
    {
        var userId = core.Get<Bkmark.Core.Credentials.IdGenerator>().NewId();
        var tokens = await core.Get<SessionService>().SignInAsync(userId, AuthMethods.Password, Client, CancellationToken.None);
        return (userId, tokens);
    }

    public static async Task<SweepReport> SweepAfterAsync(this CoreServices core, TimeSpan wait)
    {
        core.Time.Advance(wait);
        return await core.Get<ExpirySweeper>().RunAsync(CancellationToken.None);
    }

    public static async Task<int> CountAsync(this CoreServices core, string table)
    {
        var count = 0;
        await foreach (var _ in core.Get<BkmarkTables>().EveryAccount(table).QueryAllAsync<TableEntity>(null, ["PartitionKey"], CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    /// <summary>Index entries in buckets that have closed: after a complete sweep there are none.</summary>
    public static async Task<int> CountDueEntriesAsync(this CoreServices core)
    {
        var open = core.Get<ExpiryIndex>().BucketOf(core.Time.GetUtcNow());
        var count = 0;
        await foreach (var _ in core.Get<BkmarkTables>().EveryAccount(TableNames.ExpiryIndex).QueryAllAsync<TableEntity>($"PartitionKey lt '{open}'", null, CancellationToken.None))
        {
            count++;
        }

        return count;
    }

    public static Task<SessionEntity?> FindSessionAsync(this CoreServices core, string userId, string sessionId) =>
        core.Get<SessionStore>().FindAsync(userId, sessionId, CancellationToken.None);
}
