using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Bkmark.Benchmarks.Telemetry;

/// <summary>
/// Where the load run's hosts export their telemetry (OTLP over HTTP, protobuf): it reads each export and answers
/// 200 with an empty response, which OTLP reads as "all accepted". So the hosts pay the whole cost of telemetry on
/// their side — spans and metrics recorded, batched, serialised and sent — and nothing is kept.
/// </summary>
public static class OtlpSinkApplication
{
    public static void Run(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        long exports = 0, bytes = 0;
        app.MapPost("/v1/{signal}", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                Interlocked.Add(ref bytes, read);
            }

            Interlocked.Increment(ref exports);
            return Results.Bytes([], "application/x-protobuf");
        });
        // What arrived, so the bench can show that the hosts really exported.
        app.MapGet("/stats", () => Results.Text($"exports={Interlocked.Read(ref exports)} bytes={Interlocked.Read(ref bytes)}"));
        app.Run();
    }
}
