namespace Bkmark.Tests.Infrastructure;

/// <summary>
/// The Table Storage the tests use. test.sh starts a private in-memory Azurite on a free port and
/// passes its connection string in <see cref="EnvironmentVariable"/>; without it, the default
/// Azurite ports (run.sh's Azurite, or one you started yourself). It starts a second Azurite table service too
/// (<see cref="SecondEnvironmentVariable"/>), and its second leg sets <see cref="AccountsEnvironmentVariable"/> to 2:
/// then every test host spreads its tables over both, as <c>Storage:Accounts:0</c> and <c>:1</c> (DESIGN.md §19).
/// </summary>
public static class AzuriteStorage
{
    public const string EnvironmentVariable = "BKMARK_TEST_STORAGE";
    public const string SecondEnvironmentVariable = "BKMARK_TEST_STORAGE_SECOND";
    public const string AccountsEnvironmentVariable = "BKMARK_TEST_ACCOUNTS";
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured ? configured : DevelopmentStorage;

    /// <summary>The second Azurite's table service (its queues are the first's): the tables' account 1 when there are two.</summary>
    public static string SecondConnectionString =>
        Environment.GetEnvironmentVariable(SecondEnvironmentVariable) is { Length: > 0 } configured
            ? configured
            : throw new InvalidOperationException($"Two storage accounts need a second Azurite: ./test.sh starts one and names it in {SecondEnvironmentVariable}.");

    /// <summary>The table service a connection string names (the development storage's when it names none), as storage requests show it.</summary>
    public static Uri TableEndpointOf(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var endpoint = connectionString.Split(';').FirstOrDefault(part => part.StartsWith("TableEndpoint=", StringComparison.OrdinalIgnoreCase));
        return new Uri(endpoint is null ? "http://127.0.0.1:10002/devstoreaccount1" : endpoint["TableEndpoint=".Length..]);
    }

    /// <summary>How many storage accounts the test hosts spread their tables over: 2 in test.sh's second leg, else 1.</summary>
    public static int Accounts => Environment.GetEnvironmentVariable(AccountsEnvironmentVariable) == "2" ? 2 : 1;

    /// <summary>
    /// A test host's storage settings: the tests' Azurite, and with <see cref="Accounts"/> = 2 the tables spread over it and the
    /// second Azurite. The outbox queue stays on the first, where <c>Storage:ConnectionString</c> names it.
    /// </summary>
    public static Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Storage:ConnectionString"] = ConnectionString };
        if (Accounts == 2)
        {
            settings["Storage:Accounts:0"] = ConnectionString;
            settings["Storage:Accounts:1"] = SecondConnectionString;
        }

        return settings;
    }
}
