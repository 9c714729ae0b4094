using System.Text.RegularExpressions;
using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Fluent.Slices;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Bkmark.Tests.Architecture;

/// <summary>
/// The walls between Core's rooms (../shared/CONVENTIONS.md, "Walls a test holds"), as ArchUnitNET rules over a
/// root namespace, so <see cref="WallsTests"/> holds Core to them and shows each one failing on a breaching fixture.
/// A room is a namespace one level under the root (<c>Bkmark.Core.Accounts</c> with everything below it).
/// </summary>
internal static class Walls
{
    /// <summary>
    /// The base types every entity derives from (Storage's row, Maintenance's expiring row): infrastructure that all
    /// rooms share, not one room's data.
    /// </summary>
    private static readonly string[] SharedBaseTypes = ["StoredEntity", "IExpiringEntity"];

    /// <summary>The rooms under <paramref name="root"/>: each namespace one level below it that holds a type.</summary>
    public static IReadOnlyList<string> Rooms(ArchUnitNET.Domain.Architecture architecture, string root) =>
        architecture.Types
            .Select(type => type.Namespace.FullName)
            .Where(name => name.StartsWith(root + ".", StringComparison.Ordinal))
            .Select(name => name[(root.Length + 1)..].Split('.')[0])
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>(a) No type of one room depends on another room's <c>*Store</c> or <c>*Entity</c> types.</summary>
    public static IArchRule NoRoomNamesAnotherRoomsStoreOrEntity(ArchUnitNET.Domain.Architecture architecture, string root) =>
        Rooms(architecture, root)
            .Select(room => (IArchRule)Types().That().ResideInNamespaceMatching(InRoom(root, room))
                .Should().NotDependOnAny(Types().That().HaveNameMatching("(Store|Entity)$")
                    .And().ResideInNamespaceMatching(Below(root))
                    .And().DoNotResideInNamespaceMatching(InRoom(root, room))
                    .And().DoNotHaveName(SharedBaseTypes[0]).And().DoNotHaveName(SharedBaseTypes[1]))
                .Because($"{room} may use another room only through its service and view records"))
            .Aggregate((all, next) => all.And(next));

    /// <summary>(b) The rooms form no cycle.</summary>
    public static IArchRule RoomsFormNoCycle(string root) =>
        SliceRuleDefinition.Slices().Matching(root + ".(*)..").Should().BeFreeOfCycles();

    /// <summary>(c) <paramref name="outside"/> depends on no type of <paramref name="core"/> that is not public.</summary>
    public static IArchRule SeesNoInternalsOf(IObjectProvider<IType> outside, System.Reflection.Assembly core) =>
        Types().That().Are(outside)
            .Should().NotDependOnAny(Types().That().ResideInAssembly(core).And().AreNotPublic())
            .Because("Functions and the local host see only Core's services and views");

    /// <summary>(d) Entities and stores are internal to their assembly.</summary>
    public static IArchRule StoresAndEntitiesAreNotPublic(string root) =>
        Types().That().ResideInNamespaceMatching(Below(root)).And().HaveNameMatching("(Store|Entity)$")
            .Should().NotBePublic()
            .Because("a room's tables are reached only through its service");

    private static string Below(string root) => $"^{Regex.Escape(root)}\\.";

    private static string InRoom(string root, string room) => $"^{Regex.Escape(root)}\\.{Regex.Escape(room)}(\\.|$)";
}
