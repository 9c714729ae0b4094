using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Storage;

/// <summary>
/// Where the tables and the outbox queue live: <c>Storage__TableServiceUri</c> with the app's managed identity (Azure, shared keys
/// off), else <c>Storage__ConnectionString</c>, falling back to <c>AzureWebJobsStorage</c>. Tables spread over several
/// accounts with <see cref="Accounts"/> (DESIGN.md §19); the queue stays where these settings put it.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    [Required]
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>
    /// The account's table endpoint (<c>https://{account}.table.core.windows.net</c>). When set, tables are
    /// reached with <c>DefaultAzureCredential</c> and the connection string is not used.
    /// </summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>
    /// The account's queue endpoint (<c>https://{account}.queue.core.windows.net</c>) for the email outbox,
    /// reached with <c>DefaultAzureCredential</c> like <see cref="TableServiceUri"/>. Unset: the connection string.
    /// </summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>
    /// The table storage accounts, <c>Storage__Accounts__0</c>, <c>Storage__Accounts__1</c>, …: each a table service URI
    /// (<c>https://{account}.table.core.windows.net</c>, reached with <c>DefaultAzureCredential</c>) or a connection string.
    /// An entity lives in the account <see cref="RangeTable"/> maps its partition key to. None: one account, the one
    /// <see cref="TableServiceUri"/> or <see cref="ConnectionString"/> names. Fixed once data is written (docs/scale.md).
    /// </summary>
    public Dictionary<string, string?> Accounts { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Prepended to every table name, so test runs (and side-by-side environments) do not share tables.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,30}$|^$")]
    public string TablePrefix { get; set; } = "";

    /// <summary>
    /// How long one storage call may take before it counts as an outage. Kept short so a request
    /// answers 503 quickly instead of hanging for the SDK's default 100 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
