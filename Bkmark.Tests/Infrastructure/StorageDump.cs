using Azure.Data.Tables;

namespace Bkmark.Tests.Infrastructure;

/// <summary>Every property of every entity in the tables with a prefix, as one string: to prove a secret is stored nowhere.</summary>
public static class StorageDump
{
    public static async Task<string> ReadAllAsync(TableServiceClient service, string tablePrefix)
    {
        var dump = new StringBuilder();
        await foreach (var table in service.QueryAsync(t => t.Name.CompareTo(tablePrefix) >= 0 && t.Name.CompareTo(tablePrefix + "{") < 0))
        {
            await foreach (var entity in service.GetTableClient(table.Name).QueryAsync<TableEntity>())
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
