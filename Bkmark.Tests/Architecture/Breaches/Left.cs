using Bkmark.Core.Accounts;
using Bkmark.Tests.Architecture.Breaches.Right;

namespace Bkmark.Tests.Architecture.Breaches.Left;

// Deliberate breaches of the walls, so WallsTests can show that each rule fails. Nothing runs this code.

/// <summary>Breaches (d): a store that is public.</summary>
public sealed class LeakyStore
{
    public override string ToString() => nameof(LeakyStore);
}

/// <summary>Half of a cycle with Right (b), and a reach into Core's internal <see cref="UserStore"/> (c).</summary>
internal static class LeftService
{
    public static string Describe(RightService right, UserStore? users) => $"{right}{users}";
}
