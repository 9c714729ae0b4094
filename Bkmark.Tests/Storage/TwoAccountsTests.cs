using Bkmark.Core.Maintenance;
using Bkmark.Core.Passkeys;
using Bkmark.Tests.Maintenance;
using Microsoft.Extensions.Options;

namespace Bkmark.Tests.Storage;

/// <summary>
/// The service on two storage accounts (DESIGN.md §19), over HTTP, each account's Azurite read directly: every entity
/// lands where the range table maps its partition key, a verify reads one entity from one account, and each account's
/// sweep deletes only what expired in it.
/// </summary>
public sealed class TwoAccountsTests(TwoAccountsHostFixture host) : IClassFixture<TwoAccountsHostFixture>
{
    [Fact]
    public async Task EveryEntity_LivesInTheAccountTheRangeTableMapsItsPartitionKeyTo()
    {
        // Arrange: a user in each account, each with what the stores keep: sessions and refresh credentials, API and
        // publishable keys, a library, a two-factor setup, an organisation with an invitation, the security log.
        var users = await host.SignUpInEachAccountAsync();
        var keys = new List<string>();
        foreach (var user in users)
        {
            keys.Add((await host.SendForJsonAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "placed", scopes = new[] { "bookmarks:read" } }, user.AccessToken, HttpStatusCode.Created))
                .GetProperty("key").GetString()!);
            var groupId = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/groups", new { name = "Reading" }, user.AccessToken, HttpStatusCode.Created))
                .GetProperty("id").GetString()!;
            await host.SendForJsonAsync(HttpMethod.Post, "api/v1/bookmarks", new { url = "https://example.com/placed" }, user.AccessToken, HttpStatusCode.Created);
            await host.SendForJsonAsync(HttpMethod.Post, "api/v1/publishable-keys",
                new { name = "blog", groupIds = new[] { groupId }, allowedOrigins = new[] { "https://blog.example" } }, user.AccessToken, HttpStatusCode.Created);
            await host.SendForJsonAsync(HttpMethod.Post, "api/v1/me/two-factor/totp/setup", bearer: user.AccessToken);
            var orgId = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/orgs", new { name = "Team" }, user.AccessToken, HttpStatusCode.Created))
                .GetProperty("id").GetString()!;
            await host.SendForJsonAsync(HttpMethod.Post, $"api/v1/orgs/{orgId}/invitations", new { email = NewEmail(), role = "member" }, user.AccessToken, HttpStatusCode.Accepted);
        }

        // Act
        var stored = await host.ReadEverythingAsync();

        // Assert: nothing anywhere else than where the range table says; each user's data and each key's credential
        // in its account and absent from the other.
        Assert.Empty(stored.Where(row => row.Account != host.ExpectedAccountOf(row)).Select(row => row.ToString()));
        for (var account = 0; account < 2; account++)
        {
            var userId = users[account].Id;
            Assert.Contains(stored, row => row is { Table: TableNames.Users } && row.PartitionKey == userId && row.Account == account);
            Assert.Contains(stored, row => row is { Table: TableNames.Sessions } && row.PartitionKey == userId && row.Account == account);
            Assert.DoesNotContain(stored, row => row.PartitionKey == userId && row.Account != account);
        }

        foreach (var key in keys)
        {
            var partition = TwoAccountsHostFixture.CredentialPartitionOf(key);
            Assert.Single(stored, row => row is { Table: TableNames.ApiKeys } && row.PartitionKey == partition && row.Account == host.Ranges.AccountOf(partition));
            Assert.DoesNotContain(stored, row => row.PartitionKey == partition && row.Account != host.Ranges.AccountOf(partition));
        }

        Assert.All(new[] { 0, 1 }, account => Assert.Contains(stored, row => row is { Table: TableNames.ExpiryIndex } && row.Account == account));
    }

    [Fact]
    public async Task Verify_ReadsOneEntityFromOneAccount_WithAJwtAndWithAnApiKey()
    {
        // Arrange: a user (whose session a JWT names) and a key credential in each account.
        var users = await host.SignUpInEachAccountAsync();
        var keys = await host.KeysInEachAccountAsync(users[0].AccessToken);

        // Act
        var verifies = new List<(string Credential, int Account, IReadOnlyList<StorageRequest> Requests)>();
        foreach (var (credential, bearer, account) in new[]
        {
            ("JWT", users[0].AccessToken, 0), ("JWT", users[1].AccessToken, 1), ("API key", keys[0], 0), ("API key", keys[1], 1),
        })
        {
            host.StorageRequests.Clear();
            (await host.SendAsync(HttpMethod.Get, "api/v1/auth/verify", bearer: bearer)).EnsureSuccessStatusCode();
            verifies.Add((credential, account, host.StorageRequests.Requests));
        }

        // Assert: one point read, to the account the credential's partition maps to.
        Assert.All(verifies, verify =>
        {
            var read = Assert.Single(verify.Requests);
            Assert.True(read.IsPointRead, $"{verify.Credential}: {read.Method} {read.Uri}");
            Assert.Equal(host.AuthorityOf(verify.Account), read.Uri.Authority);
        });
    }

    [Fact]
    public async Task Sweep_OfEachAccount_RemovesOnlyItsOwnExpiredEntries()
    {
        // Arrange: passkey sign-ins nobody finished, until each account holds some of their challenges (random ids).
        var challenges = new List<string>();
        while (challenges.Count < 60 && Enumerable.Range(0, 2).Any(account => challenges.Count(id => host.Ranges.AccountOf(id) == account) < 2))
        {
            challenges.Add((await host.SendForJsonAsync(HttpMethod.Post, "api/v1/auth/passkeys/options")).GetProperty("challengeId").GetString()!);
        }

        var owned = challenges.ToLookup(host.Ranges.AccountOf);
        var lifetime = host.Services.GetRequiredService<IOptions<PasskeyOptions>>().Value.ChallengeLifetime;
        host.Time.Advance(lifetime + ExpiryIndex.SettleTime + SweepTestData.BucketClosed);
        var sweeper = host.Services.GetRequiredService<ExpirySweeper>();

        // Act
        var first = await sweeper.RunAsync(0, CancellationToken.None);
        var afterFirst = await LeftAsync(challenges);
        var second = await sweeper.RunAsync(1, CancellationToken.None);
        var afterSecond = await LeftAsync(challenges);

        // Assert: account 0's sweep took its own challenges and entries and left account 1's; account 1's took the rest.
        Assert.Equal(owned[0].Count(), first.DeletedOf(PasskeyChallengeExpiryHandler.KindName));
        Assert.Equal((0, owned[1].Count(), 0, owned[1].Count()), afterFirst);
        Assert.Equal(owned[1].Count(), second.DeletedOf(PasskeyChallengeExpiryHandler.KindName));
        Assert.Equal((0, 0, 0, 0), afterSecond);
    }

    /// <summary>Of <paramref name="challenges"/>: how many are left in account 0 and 1, and how many index entries point at them in each.</summary>
    private async Task<(int Challenges0, int Challenges1, int Entries0, int Entries1)> LeftAsync(IReadOnlyCollection<string> challenges)
    {
        var stored = await host.ReadEverythingAsync();
        int Challenges(int account) =>
            stored.Count(row => row.Account == account && row.Table == TableNames.PasskeyChallenges && challenges.Contains(row.PartitionKey));
        int Entries(int account) =>
            stored.Count(row => row.Account == account && row.Table == TableNames.ExpiryIndex && challenges.Contains(row.Entity.GetString("TargetPartition")));
        return (Challenges(0), Challenges(1), Entries(0), Entries(1));
    }
}
