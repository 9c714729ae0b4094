using System.Security.Cryptography;
using Bkmark.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Bkmark.Tests.Storage;

/// <summary>The range table that decides which storage account an entity lives in (DESIGN.md §19), and the settings that size it.</summary>
public sealed class RangeTableTests
{
    [Fact]
    public void AccountOf_IsAccountZero_WithoutHashing_WhenThereIsOneAccount()
    {
        var keys = Enumerable.Range(0, 1_000).Select(i => $"01JCUSER{i:D18}").ToList();

        var one = Route(new RangeTable(1), keys);
        var two = Route(new RangeTable(2), keys);

        // Hashing a key allocates its UTF-8 bytes: one account routes 1,000 keys, all to account 0, allocating nothing.
        Assert.Equal((0L, 0), one);
        Assert.True(two.Allocated > 0 && two.AccountsAdded > 0, $"two accounts: {two}");
    }

    [Fact]
    public void AccountOf_SplitsTheSlotSpaceInTwoHalves_WhenThereAreTwoAccounts()
    {
        var table = new RangeTable(2);
        var keys = Enumerable.Range(0, 10_000).Select(i => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)))).ToList();

        var inFirst = keys.Count(key => table.AccountOf(key) == 0);

        Assert.Equal((0, 32_768, 65_536), (table.FirstSlotOf(0), table.FirstSlotOf(1), table.FirstSlotOf(2)));
        Assert.Equal((0, 0, 1, 1), (table.AccountOfSlot(0), table.AccountOfSlot(32_767), table.AccountOfSlot(32_768), table.AccountOfSlot(65_535)));
        Assert.All(keys, key => Assert.Equal(RangeTable.SlotOf(key) < 32_768 ? 0 : 1, table.AccountOf(key)));
        Assert.InRange(inFirst, 4_700, 5_300);
    }

    [Fact]
    public void AccountOfSlot_FallsInTheAccountsOwnRange_ForEveryCountOfAccounts()
    {
        foreach (var accounts in new[] { 1, 2, 3, 5, 7, 16, 100, 65_536 })
        {
            var table = new RangeTable(accounts);
            var owners = Enumerable.Range(0, RangeTable.Slots).Select(table.AccountOfSlot).ToList();

            Assert.All(Enumerable.Range(0, RangeTable.Slots), slot =>
                Assert.InRange(slot, table.FirstSlotOf(owners[slot]), table.FirstSlotOf(owners[slot] + 1) - 1));
            Assert.Equal(accounts, owners.Distinct().Count());
        }
    }

    [Theory]
    [InlineData("user1", 2_564, 0, 0)]
    [InlineData("user2", 24_613, 0, 1)]
    [InlineData("01JCSWEEPUSER0000000000001", 53_910, 1, 2)]
    [InlineData("ünïcode", 47_294, 1, 2)]
    [InlineData("", 58_288, 1, 2)]
    public void AccountOf_IsTheSameForAKey_InEveryRunAndVersion(string partitionKey, int slot, int ofTwo, int ofThree)
    {
        // Data written under one mapping is read under the next: these values are the stored data's addresses.
        Assert.Equal(slot, RangeTable.SlotOf(partitionKey));
        Assert.Equal(ofTwo, new RangeTable(2).AccountOf(partitionKey));
        Assert.Equal(ofThree, new RangeTable(3).AccountOf(partitionKey));
    }

    [Theory]
    [InlineData("0", "1", "", "Storage:Accounts:1 is empty")]
    [InlineData("0", "2", "x", "Storage:Accounts:1 is missing")]
    [InlineData("1", "2", "x", "Storage:Accounts:0 is missing")]
    [InlineData("0", "one", "x", "Storage:Accounts:one is not an account number")]
    [InlineData("0", "01", "x", "Storage:Accounts:01 is not an account number")]
    public void StorageOptions_AreRefused_NamingTheBadSetting(string firstKey, string secondKey, string secondValue, string expected)
    {
        using var provider = ServicesWith(new Dictionary<string, string?>
        {
            [$"Storage:Accounts:{firstKey}"] = AzuriteStorage.ConnectionString,
            [$"Storage:Accounts:{secondKey}"] = secondValue,
        });

        var refused = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StorageOptions>>().Value);

        Assert.StartsWith(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalHost_DoesNotStart_WhenAnAccountSettingIsEmpty()
    {
        var host = new EmptyAccountHost();

        var refused = await Assert.ThrowsAnyAsync<Exception>(host.InitializeAsync);

        Assert.Contains("Storage:Accounts:1 is empty", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Tables_AreOneAccount_WhenNoAccountIsNamed_AndOnePerSetting_WhenSome()
    {
        using var today = ServicesWith(new Dictionary<string, string?> { ["Storage:ConnectionString"] = AzuriteStorage.ConnectionString });
        using var three = ServicesWith(new Dictionary<string, string?>
        {
            ["Storage:Accounts:0"] = AzuriteStorage.ConnectionString,
            ["Storage:Accounts:1"] = "https://one.table.core.windows.net",
            ["Storage:Accounts:2"] = AzuriteStorage.ConnectionString,
        });

        var single = today.GetRequiredService<BkmarkTables>();
        var spread = three.GetRequiredService<BkmarkTables>();

        Assert.Equal(1, single.Accounts);
        Assert.Equal(3, spread.Accounts);
        Assert.Equal(AzuriteStorage.TableEndpointOf(AzuriteStorage.ConnectionString).Authority, spread.InAccount(0, TableNames.Users).Uri.Authority);
        Assert.Equal("one.table.core.windows.net", spread.InAccount(1, TableNames.Users).Uri.Host);
    }

    private static (long Allocated, int AccountsAdded) Route(RangeTable table, List<string> keys)
    {
        var added = table.AccountOf(keys[0]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var key in keys)
        {
            added += table.AccountOf(key);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before, added);
    }

    private sealed class EmptyAccountHost() : LocalHostFixture(new Dictionary<string, string?>
    {
        ["Storage:Accounts:0"] = AzuriteStorage.ConnectionString,
        ["Storage:Accounts:1"] = "",
    });

    private static ServiceProvider ServicesWith(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddBkmark(configuration, new HostingEnvironment { EnvironmentName = Environments.Production });
        return services.BuildServiceProvider();
    }
}
