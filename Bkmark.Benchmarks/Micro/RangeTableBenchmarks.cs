using BenchmarkDotNet.Attributes;
using Bkmark.Core.Storage;

namespace Bkmark.Benchmarks.Micro;

/// <summary>
/// What storage over several accounts adds to every storage call (DESIGN §19): finding the account of a partition key.
/// One account hashes nothing; more hash the key with SHA-256 and look its slot up in the range table.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RangeTableBenchmarks
{
    // A user id, as a session's or a library's partition key is.
    private const string PartitionKey = "01JABCDEFGHJKMNPQRSTVWXYZ0";

    private RangeTable table = null!;

    [Params(1, 2)]
    public int Accounts { get; set; }

    [GlobalSetup]
    public void Setup() => table = new RangeTable(Accounts);

    [Benchmark(Description = "Account of a partition key")]
    public int AccountOf() => table.AccountOf(PartitionKey);
}
