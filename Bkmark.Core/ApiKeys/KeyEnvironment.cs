namespace Bkmark.Core.ApiKeys;

/// <summary>
/// Where a key acts (DESIGN.md §12): <see cref="Live"/> on its owner's library, <see cref="Test"/> on its owner's
/// sandbox library (<see cref="Library.Sandbox.SandboxLibrary"/>), never on live data.
/// </summary>
public static class KeyEnvironment
{
    public const string Live = "live";
    public const string Test = "test";

    public static IReadOnlyList<string> All { get; } = [Live, Test];

    public static bool IsKnown(string? environment) => environment is Live or Test;
}
