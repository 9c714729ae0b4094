using BenchmarkDotNet.Running;
using Bkmark.Benchmarks.Floor;
using Bkmark.Benchmarks.Load;
using Bkmark.Benchmarks.Telemetry;

namespace Bkmark.Benchmarks;

/// <summary>
/// One executable, five modes, so ./bench.sh builds one project:
/// <list type="bullet">
/// <item>(default) BenchmarkDotNet: <c>dotnet run -c Release --project Bkmark.Benchmarks -- --filter '*'</c></item>
/// <item><c>floor</c>: the bare point-read endpoint the HTTP load run compares against</item>
/// <item><c>otlp-sink</c>: where the load run's hosts export their telemetry (read and dropped)</item>
/// <item><c>soak</c>: mixed concurrent traffic, then invariant checks</item>
/// <item><c>faults</c>: steady verifies across a storage outage driven by <c>./bench.sh faults</c></item>
/// </list>
/// </summary>
public static class BenchmarksProgram
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "floor":
                FloorApplication.Run(args[1..]);
                return 0;
            case "otlp-sink":
                OtlpSinkApplication.Run(args[1..]);
                return 0;
            case "soak":
                return await SoakRun.RunAsync(new LoadOptions(args[1..]));
            case "faults":
                return await FaultRun.RunAsync(new LoadOptions(args[1..]));
            default:
                var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchmarksProgram).Assembly).Run(args);
                return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
        }
    }
}
