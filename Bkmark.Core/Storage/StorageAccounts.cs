using Azure.Core;
using Azure.Identity;

namespace Bkmark.Core.Storage;

/// <summary>
/// The table storage accounts the settings name (DESIGN.md §19), in order, each connected as its setting says: an
/// absolute http(s) URI is a table service endpoint reached with <c>DefaultAzureCredential</c>, anything else a
/// connection string. <c>Storage__Accounts__N</c> unset: the one account of today's settings.
/// </summary>
internal static class StorageAccounts
{
    private static readonly string Setting = $"{StorageOptions.Section}:{nameof(StorageOptions.Accounts)}";

    /// <summary>Each account's setting, account 0 first.</summary>
    public static IReadOnlyList<string> SettingsOf(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Accounts.Count == 0)
        {
            return [options.TableServiceUri?.AbsoluteUri ?? options.ConnectionString];
        }

        return [.. Enumerable.Range(0, options.Accounts.Count).Select(account => options.Accounts[KeyOf(account)]!)];
    }

    /// <summary>A client for each account, built with the app's storage client options.</summary>
    public static IReadOnlyList<TableServiceClient> Connect(StorageOptions options, TableClientOptions clientOptions)
    {
        TokenCredential? credential = null;
        return [.. SettingsOf(options).Select(setting => ServiceUriOf(setting) is { } endpoint
            ? new TableServiceClient(endpoint, credential ??= new DefaultAzureCredential(), clientOptions)
            : new TableServiceClient(setting, clientOptions))];
    }

    /// <summary>What is wrong with <c>Storage:Accounts</c>, in words an operator can act on; null when nothing is.</summary>
    public static string? ProblemOf(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var numbered = options.Accounts.Keys
            .Select(key => (Key: key, Number: int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && KeyOf(number) == key ? number : -1))
            .ToList();
        if (numbered.FirstOrDefault(entry => entry.Number < 0) is { Key: { } odd })
        {
            return $"{Setting}:{odd} is not an account number: number the accounts {Setting}:0, :1, :2, … (Storage__Accounts__0, …).";
        }

        if (Enumerable.Range(0, options.Accounts.Count).FirstOrDefault(account => !options.Accounts.ContainsKey(KeyOf(account)), -1) is var missing and >= 0)
        {
            return $"{Setting}:{missing} is missing: the accounts are numbered from 0 without a gap, and {Setting} has "
                + $"{string.Join(", ", numbered.Select(entry => entry.Number).Order())}.";
        }

        if (options.Accounts.FirstOrDefault(account => string.IsNullOrWhiteSpace(account.Value)) is { Key: { } empty })
        {
            return $"{Setting}:{empty} is empty: set it to the account's table service URI (https://{{account}}.table.core.windows.net) or its connection string.";
        }

        return options.Accounts.Count > RangeTable.Slots ? $"{Setting} names more than {RangeTable.Slots} accounts." : null;
    }

    private static string KeyOf(int account) => account.ToString(CultureInfo.InvariantCulture);

    private static Uri? ServiceUriOf(string setting) =>
        Uri.TryCreate(setting, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri : null;
}

/// <summary>Refuses bad <c>Storage:Accounts</c> settings at start-up (<see cref="StorageAccounts.ProblemOf"/>).</summary>
internal sealed class StorageAccountsValidation : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        StorageAccounts.ProblemOf(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
