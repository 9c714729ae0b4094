using System.Reflection;
using Bkmark.Core.Access;
using Bkmark.Core.Accounts;
using Bkmark.Core.Authorization;
using Bkmark.Core.Organisations;
using Bkmark.Functions;
using Bkmark.Functions.Http;
using Bkmark.Tests.ApiKeys;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.Tests.Authorization;

/// <summary>
/// The route policy table (<see cref="RoutePolicies"/>) against the functions: every HTTP route has a policy, no
/// function authenticates around it, and each policy behaves as declared over HTTP through the local host.
/// </summary>
public sealed class RoutePolicyTests(ApiKeyHostFixture host) : IClassFixture<ApiKeyHostFixture>
{
    [Fact]
    public void EveryHttpFunction_HasExactlyOneRoutePolicy_AndTheTableNamesNoOtherFunction()
    {
        // Act
        var unlisted = Unlisted(RoutePolicies.All);
        var stale = RoutePolicies.All.Keys.Except(HttpRoutes.All.Select(r => r.Name)).Order(StringComparer.Ordinal).ToList();

        // Assert
        Assert.True(unlisted.Count == 0, $"HTTP functions without an entry in RoutePolicies: {string.Join(", ", unlisted)}. Declare who may call each one.");
        Assert.True(stale.Count == 0, $"RoutePolicies names functions that do not exist: {string.Join(", ", stale)}.");
    }

    [Fact]
    public void Unlisted_NamesTheRoute_WhenItsEntryIsMissing()
    {
        // Arrange: the table as it would be had GET /health been added without a policy.
        var table = RoutePolicies.All.Where(entry => entry.Key != nameof(HealthFunctions.Health)).ToDictionary();

        // Act
        var unlisted = Unlisted(table);

        // Assert
        Assert.Equal([nameof(HealthFunctions.Health)], unlisted);
    }

    [Fact]
    public void AuthenticateRoute_Throws_ForAFunctionWithoutAnEntry()
    {
        // Act
        var refused = Assert.Throws<InvalidOperationException>(() => RoutePolicies.Of("AddedWithoutAPolicy"));

        // Assert
        Assert.Contains("AddedWithoutAPolicy", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionKeyPolicy_IsDeclaredExactlyForTheRoutesWhoseTriggerNeedsTheKey()
    {
        // Act
        var mismatched = HttpRoutes.All
            .Where(r => RoutePolicies.All.TryGetValue(r.Name, out var policy)
                && (policy.Access == RouteAccess.FunctionKey) != (r.AuthLevel != AuthorizationLevel.Anonymous))
            .Select(r => $"{r.Name} ({r.AuthLevel}, declared {RoutePolicies.All[r.Name]})")
            .ToList();

        // Assert
        Assert.Empty(mismatched);
    }

    [Fact]
    public void NoFunction_AuthenticatesExceptThroughItsRoutePolicy()
    {
        // Arrange: what a function could authenticate with, bypassing the table.
        Type[] around = [typeof(RequestAuthenticator), typeof(StepUp), typeof(OrganisationAccess)];

        // Act
        var bypassing = HttpRoutes.FunctionsAssembly.GetExportedTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
            .SelectMany(t => t.GetConstructors().SelectMany(c => c.GetParameters()).Where(p => around.Contains(p.ParameterType)).Select(p => $"{t.Name}({p.ParameterType.Name})"))
            .ToList();

        // Assert
        Assert.Empty(bypassing);
    }

    [Theory]
    [MemberData(nameof(AuthenticatedRoutes))]
    public async Task AuthenticatedRoute_Returns401MissingToken_WithoutACredential(string function)
    {
        // Arrange
        var route = HttpRoutes.Named(function);

        // Act
        var response = await host.SendAsync(new HttpMethod(route.Method), route.Path);

        // Assert
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, ErrorCodes.MissingToken);
    }

    [Theory]
    [MemberData(nameof(FunctionKeyRoutes))]
    public async Task FunctionKeyRoute_Returns401_WithoutTheKey_EvenForASignedInPerson(string function)
    {
        // Arrange
        var route = HttpRoutes.Named(function);
        var user = await host.SignUpAsync();

        // Act
        var response = await host.Client.SendAsync(new HttpMethod(route.Method), route.Path, new { }, user.AccessToken);

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(AnonymousRoutes))]
    public async Task AnonymousRoute_AsksForNoCredential(string function)
    {
        // Arrange
        var route = HttpRoutes.Named(function);

        // Act
        var response = await host.SendAsync(new HttpMethod(route.Method), route.Path);

        // Assert
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(ErrorCodes.MissingToken, text, StringComparison.Ordinal);
        Assert.True((int)response.StatusCode < 500, $"{function}: {(int)response.StatusCode} {text}");
    }

    [Theory]
    [MemberData(nameof(SessionOnlyRoutes))]
    public async Task SessionOnlyRoute_Returns403ApiKeyNotAllowed_ForTheOwnersApiKey(string function)
    {
        // Arrange: a Pro user's key with every scope it may hold.
        var route = HttpRoutes.Named(function);
        var user = await host.SignUpAsync(Plans.Pro);
        var key = (await host.CreateKeyAsync(user.AccessToken, new { name = "every scope", scopes = Scopes.All })).GetProperty("key").GetString()!;

        // Act
        var response = await host.SendAsync(new HttpMethod(route.Method), route.Path, bearer: key);

        // Assert
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, ErrorCodes.ApiKeyNotAllowed);
    }

    public static TheoryData<string> AuthenticatedRoutes => HttpRoutes.Where(p => p.AuthenticatesCaller && p.Access != RouteAccess.PublishableKey);

    // A leak reporter's route is let through by the host (GitHub sends no key) and refused by the function without a signature or the key.
    public static TheoryData<string> FunctionKeyRoutes => HttpRoutes.Where(p => p.Access is RouteAccess.FunctionKey or RouteAccess.LeakReporter);

    public static TheoryData<string> AnonymousRoutes => HttpRoutes.Where(p => p.Access == RouteAccess.Anonymous);

    public static TheoryData<string> SessionOnlyRoutes => HttpRoutes.Where(p => p.SessionOnly);

    /// <summary>The HTTP functions <paramref name="table"/> has no entry for.</summary>
    private static List<string> Unlisted(IReadOnlyDictionary<string, RoutePolicy> table) =>
        HttpRoutes.All.Select(r => r.Name).Where(name => !table.ContainsKey(name)).ToList();
}
