using System.Globalization;

namespace Bkmark.Benchmarks.Load;

/// <summary><c>--name value</c> options of the soak and fault modes.</summary>
public sealed class LoadOptions
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public LoadOptions(IEnumerable<string> args)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current.StartsWith("--", StringComparison.Ordinal) ? e.Current[2..] : throw new ArgumentException($"Unexpected argument '{e.Current}'.");
            values[name] = e.MoveNext() ? e.Current : throw new ArgumentException($"--{name} needs a value.");
        }
    }

    public string Required(string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int fallback) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
