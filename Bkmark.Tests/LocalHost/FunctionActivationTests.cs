using System.Reflection;
using Bkmark.LocalHost;

namespace Bkmark.Tests.LocalHost;

/// <summary>Every function class of Bkmark.Functions can be created from the services AddBkmark registers.</summary>
public sealed class FunctionActivationTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    public static TheoryData<string> FunctionClasses()
    {
        var catalog = FunctionCatalog.Discover(Assembly.Load("Bkmark.Functions"));
        var data = new TheoryData<string>();
        foreach (var type in catalog.HttpFunctions.Concat<FunctionDefinition>(catalog.TimerFunctions)
                     .Select(f => f.Method.DeclaringType!).Where(t => !t.IsAbstract).Distinct())
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FunctionClasses))]
    public void FunctionClass_CanBeCreated_FromRegisteredServices(string typeName)
    {
        var type = Assembly.Load("Bkmark.Functions").GetType(typeName, throwOnError: true)!;
        using var scope = host.Services.CreateScope();

        // Throws naming the missing service when a feature forgot its registration.
        var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);

        Assert.IsType(type, instance);
    }
}
