namespace Bkmark.Tests.LocalHost;

/// <summary>The local host serving <see cref="SampleFunctions"/> instead of Bkmark.Functions.</summary>
public sealed class SampleHostFixture : LocalHostFixture
{
    public SampleHostFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    private SampleHostFixture(IDictionary<string, string?> configuration)
        : base(configuration, typeof(SampleFunctions).Assembly)
    {
    }

    public SampleProbe Probe { get; } = new();

    /// <summary>A started host with settings of its own; the caller disposes it.</summary>
    public static async Task<SampleHostFixture> StartAsync(IDictionary<string, string?> configuration)
    {
        var fixture = new SampleHostFixture(configuration);
        await fixture.InitializeAsync();
        return fixture;
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton(Probe);
}
