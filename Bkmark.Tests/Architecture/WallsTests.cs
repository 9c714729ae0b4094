using System.Reflection;
using ArchUnitNET.Fluent;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using Bkmark.Core.Accounts;
using Bkmark.Functions;
using Bkmark.LocalHost;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Bkmark.Tests.Architecture;

/// <summary>
/// Core's rooms stay sealed (../shared/CONVENTIONS.md, "Walls a test holds"): each rule holds for the product, and
/// fails on the deliberate breaches in <c>Breaches/</c>, so a rule that stopped seeing anything would show here.
/// </summary>
public sealed class WallsTests
{
    private const string CoreRoot = "Bkmark.Core";
    private const string BreachRoot = "Bkmark.Tests.Architecture.Breaches";

    private static readonly Assembly Core = typeof(AccountService).Assembly;
    private static readonly Assembly Functions = typeof(ApiKeyFunctions).Assembly;
    private static readonly Assembly LocalHost = typeof(FunctionCatalog).Assembly;

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Product =
        new(() => new ArchLoader().LoadAssemblies(Core, Functions, LocalHost).Build());

    private static readonly Lazy<ArchUnitNET.Domain.Architecture> WithBreaches =
        new(() => new ArchLoader().LoadAssemblies(Core, typeof(WallsTests).Assembly).Build());

    [Fact]
    public void CoreRooms_NameNoOtherRoomsStoreOrEntity() =>
        Walls.NoRoomNamesAnotherRoomsStoreOrEntity(Product.Value, CoreRoot).Check(Product.Value);

    [Fact]
    public void CoreRooms_FormNoCycle()
    {
        var cycles = Walls.RoomCycles(Product.Value, CoreRoot);

        // The whole path is the message: xunit's collection printer cuts each item at 50 characters.
        Assert.True(cycles.Count == 0, string.Join("\n", cycles));
    }

    [Fact]
    public void FunctionsAndLocalHost_SeeNoCoreInternals() =>
        Walls.SeesNoInternalsOf(Types().That().ResideInAssembly(Functions, LocalHost), Core).Check(Product.Value);

    [Fact]
    public void CoreStoresAndEntities_AreNotPublic() => Walls.StoresAndEntitiesAreNotPublic(CoreRoot).Check(Product.Value);

    [Fact]
    public void Rooms_AreCoresTopLevelNamespaces()
    {
        var rooms = Walls.Rooms(Product.Value, CoreRoot);

        Assert.Contains("Accounts", rooms);
        Assert.DoesNotContain(rooms, room => room.Contains('.', StringComparison.Ordinal));
    }

    [Fact]
    public void RoomWall_Fails_WhenARoomNamesAnotherRoomsStore() =>
        AssertFails(Walls.NoRoomNamesAnotherRoomsStoreOrEntity(WithBreaches.Value, BreachRoot), "RightService");

    [Fact]
    public void NoCycle_Fails_WhenTwoRoomsUseEachOther() =>
        Assert.Contains(Walls.RoomCycles(WithBreaches.Value, BreachRoot), cycle => cycle.StartsWith("Left -> Right", StringComparison.Ordinal));

    [Fact]
    public void NoInternals_Fails_WhenATypeOutsideCoreNamesAnInternalOne() =>
        AssertFails(Walls.SeesNoInternalsOf(Types().That().ResideInNamespace(BreachRoot + ".Left"), Core), "LeftService");

    [Fact]
    public void NotPublic_Fails_WhenAStoreIsPublic() =>
        AssertFails(Walls.StoresAndEntitiesAreNotPublic(BreachRoot), "LeakyStore");

    private static void AssertFails(IArchRule rule, string breach)
    {
        var failures = rule.Evaluate(WithBreaches.Value).Where(result => !result.Passed).Select(result => result.Description).ToList();

        Assert.Contains(failures, failure => failure.Contains(breach, StringComparison.Ordinal));
    }
}
