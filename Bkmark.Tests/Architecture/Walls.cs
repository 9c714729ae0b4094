using System.Text.RegularExpressions;
using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Bkmark.Tests.Architecture;

/// <summary>
/// The walls between Core's rooms (../shared/CONVENTIONS.md, "Walls a test holds"), read by ArchUnitNET, over a
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
            .Select(type => RoomOf(type, root))
            .OfType<string>()
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

    /// <summary>
    /// (b) The rooms form no cycle: each cycle found, as the type-to-type dependencies that close it. Rooms, not
    /// namespaces: the library's sub-rooms may use each other. (ArchUnitNET 0.13.5's
    /// <c>Slices().Matching("Bkmark.Core.(*)..")</c> names a slice by the whole namespace below the root, so it sees
    /// <c>Library.Bookmarks</c> and <c>Library.Groups</c> as two rooms; hence this walk over the same dependencies.)
    /// </summary>
    public static IReadOnlyList<string> RoomCycles(ArchUnitNET.Domain.Architecture architecture, string root)
    {
        var edges = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var type in architecture.Types)
        {
            if (RoomOf(type, root) is not { } from)
            {
                continue;
            }

            foreach (var dependency in type.Dependencies)
            {
                if (RoomOf(dependency.Target, root) is { } to && to != from)
                {
                    edges.TryAdd(from, new(StringComparer.Ordinal));
                    edges[from].TryAdd(to, $"{type.FullName} -> {dependency.Target.FullName}");
                }
            }
        }

        var cycles = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var room in edges.Keys.Order(StringComparer.Ordinal))
        {
            if (PathBack(edges, room) is { } path && seen.Add(string.Join(",", path.Order(StringComparer.Ordinal))))
            {
                var links = path.Zip(path.Skip(1).Append(room), (from, to) => $"{from} -> {to} ({edges[from][to]})");
                cycles.Add(string.Join("; ", links));
            }
        }

        return cycles;
    }

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

    private static string? RoomOf(IType? type, string root) =>
        // A type ArchUnitNET could not resolve (a generic argument from an assembly it did not load) has no namespace: no room.
        type?.Namespace?.FullName is { } ns && ns.StartsWith(root + ".", StringComparison.Ordinal)
            ? ns[(root.Length + 1)..].Split('.')[0]
            : null;

    /// <summary>The shortest walk from <paramref name="room"/> back to itself, as the rooms it passes (starting with it); null when there is none.</summary>
    private static List<string>? PathBack(Dictionary<string, Dictionary<string, string>> edges, string room)
    {
        var cameFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>([room]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var next in edges.GetValueOrDefault(current)?.Keys ?? Enumerable.Empty<string>())
            {
                if (next == room)
                {
                    var path = new List<string> { current };
                    while (path[0] != room)
                    {
                        path.Insert(0, cameFrom[path[0]]);
                    }

                    return path;
                }

                if (cameFrom.TryAdd(next, current))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return null;
    }

    private static string Below(string root) => $"^{Regex.Escape(root)}\\.";

    private static string InRoom(string root, string room) => $"^{Regex.Escape(root)}\\.{Regex.Escape(room)}(\\.|$)";
}
