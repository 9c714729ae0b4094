namespace Bkmark.Tests.Infrastructure;

/// <summary>
/// The Table Storage the tests use. test.sh starts a private in-memory Azurite on a free port and
/// passes its connection string in <see cref="EnvironmentVariable"/>; without it, the default
/// Azurite ports (run.sh's Azurite, or one you started yourself).
/// </summary>
public static class AzuriteStorage
{
    public const string EnvironmentVariable = "BKMARK_TEST_STORAGE";
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured ? configured : DevelopmentStorage;
}
