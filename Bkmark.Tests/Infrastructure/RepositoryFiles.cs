using System.Reflection;

namespace Bkmark.Tests.Infrastructure;

/// <summary>Paths the test project records at build time: the repository root and the pinned Bicep CLI.</summary>
public static class RepositoryFiles
{
    public static string Root => Metadata("RepositoryRoot");

    public static string BicepCli => Metadata("BicepPath");

    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    private static string Metadata(string key) =>
        typeof(RepositoryFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
