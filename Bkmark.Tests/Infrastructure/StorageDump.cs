using Azure.Data.Tables;

namespace Bkmark.Tests.Infrastructure;

/// <summary>Every property of every entity in the service's tables, in every storage account, as one string: to prove a secret is stored nowhere.</summary>
public static class StorageDump
{
    public static async Task<string> ReadAllAsync(BkmarkTables tables)
    {
        var dump = new StringBuilder();
        foreach (var table in TableNames.All.SelectMany(tables.EveryAccount))
        {
            await foreach (var entity in table.QueryAsync<TableEntity>())
            {
                foreach (var (key, value) in entity)
                {
                    dump.Append(table.Name).Append('|').Append(key).Append('=').Append(value switch
                    {
                        byte[] bytes => Convert.ToHexStringLower(bytes) + "|" + Convert.ToBase64String(bytes),
                        _ => value?.ToString(),
                    }).AppendLine();
                }
            }
        }

        return dump.ToString();
    }
}
