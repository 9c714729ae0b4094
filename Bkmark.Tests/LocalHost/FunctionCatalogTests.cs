using System.Reflection;
using Bkmark.LocalHost;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.Tests.LocalHost;

public sealed class FunctionCatalogTests
{
    [Fact]
    public void Discover_Succeeds_ForBkmarkFunctions()
    {
        // Act: throws if any real function has a binding the local host cannot honour.
        var catalog = FunctionCatalog.Discover(Assembly.Load("Bkmark.Functions"));

        // Assert
        Assert.All(catalog.HttpFunctions, f => Assert.False(string.IsNullOrEmpty(f.Route)));
    }

    [Fact]
    public void Discover_DescribesSampleFunctions_FromTheirAttributes()
    {
        // Act
        var catalog = FunctionCatalog.Discover(typeof(SampleFunctions).Assembly);

        // Assert
        var create = Assert.Single(catalog.HttpFunctions, f => f.Name == nameof(SampleFunctions.CreateSampleItem));
        Assert.Equal("samples/items/{ID}", create.Route);
        Assert.Equal(["POST"], create.HttpMethods);
        Assert.Equal(AuthorizationLevel.Anonymous, create.AuthLevel);
        Assert.Equal("SampleEcho", Assert.Single(catalog.HttpFunctions, f => f.Name == "SampleEcho").Route);
        var sweep = Assert.Single(catalog.TimerFunctions, f => f.Name == nameof(SampleFunctions.SampleSweep));
        Assert.Equal("%Samples:Schedule%", sweep.Schedule);
        Assert.False(sweep.RunOnStartup);
    }
}
