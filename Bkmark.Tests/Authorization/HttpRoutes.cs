using System.Reflection;
using System.Text.RegularExpressions;
using Bkmark.Core.Access;
using Bkmark.Functions.Http;
using Bkmark.LocalHost;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.Tests.Authorization;

/// <summary>Every HTTP function of Bkmark.Functions, as the hosts find them, with its <see cref="RoutePolicies"/> entry.</summary>
public static partial class HttpRoutes
{
    // Any well-formed id (of a passkey, a key or an organisation): authentication comes before the lookup.
    public const string SomeId = "01JABCDEFGHJKMNPQRSTVWXYZ0";

    public static Assembly FunctionsAssembly { get; } = Assembly.Load("Bkmark.Functions");

    /// <summary>Each HTTP function: its name, its first method, a path to it and its trigger's key level.</summary>
    public static IReadOnlyList<HttpRoute> All { get; } = FunctionCatalog.Discover(FunctionsAssembly).HttpFunctions
        .Select(f => new HttpRoute(f.Name, f.HttpMethods[0].ToUpperInvariant(), PathOf(f.Route), f.AuthLevel))
        .OrderBy(r => r.Name, StringComparer.Ordinal)
        .ToList();

    /// <summary>The functions whose route a policy of <paramref name="declared"/> governs.</summary>
    public static TheoryData<string> Where(Func<RoutePolicy, bool> declared)
    {
        var data = new TheoryData<string>();
        foreach (var route in All.Where(r => RoutePolicies.All.TryGetValue(r.Name, out var policy) && declared(policy)))
        {
            data.Add(route.Name);
        }

        return data;
    }

    public static HttpRoute Named(string name) => All.Single(r => r.Name == name);

    // A provider's name stays a name ("local", the Local IdP's); every other parameter is an id.
    private static string PathOf(string route) =>
        "api/" + RouteParameter().Replace(route, m => m.Groups[1].Value == "name" ? "local" : SomeId);

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex RouteParameter();
}

/// <param name="Path">The route with every parameter filled in, under <c>api/</c>.</param>
public sealed record HttpRoute(string Name, string Method, string Path, AuthorizationLevel AuthLevel);
