using Azure.Data.Tables;
using Bkmark.Core;
using Bkmark.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bkmark.Benchmarks.Floor;

/// <summary>
/// The floor of DESIGN.md §5: <c>GET /floor/{pk}/{rk}</c> does exactly one Table Storage point read and
/// nothing else: no authentication, no MVC, no function catalogue. It is what an authenticated request
/// would cost if authentication were free, so ./bench.sh compares /auth/verify against it.
/// </summary>
/// <remarks>
/// It registers storage through <c>AddBkmark</c>, so its table clients have the service's
/// retry and timeout settings, and runs on the same Kestrel defaults (<c>WebApplication.CreateBuilder</c>)
/// as Bkmark.LocalHost. It reads the table named by <c>Floor:Table</c> (default <c>Sessions</c>): the
/// bench points it at the very session entity that a JWT request reads, so both reads return the same bytes.
/// </remarks>
public static class FloorApplication
{
    public static void Run(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddBkmark(builder.Configuration, builder.Environment);
        var app = builder.Build();

        var tables = app.Services.GetRequiredService<BkmarkTables>();
        var table = app.Configuration["Floor:Table"] ?? TableNames.Sessions;
        app.MapGet("/floor/{pk}/{rk}", async (string pk, string rk, CancellationToken cancellationToken) =>
        {
            // In the account the service itself would read it from (one account: no hashing, as for the service).
            var entity = await tables[table, pk].GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: cancellationToken);
            return entity.HasValue
                ? Results.Ok(new FloorView(entity.Value!.PartitionKey, entity.Value.RowKey, entity.Value.Timestamp))
                : Results.NotFound();
        });
        app.Run();
    }

    private sealed record FloorView(string PartitionKey, string RowKey, DateTimeOffset? Timestamp);
}
