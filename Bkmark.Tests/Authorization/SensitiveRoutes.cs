using Bkmark.Functions.Http;

namespace Bkmark.Tests.Authorization;

/// <summary>
/// Every route DESIGN.md §8 calls sensitive: each needs a sign-in from the last <c>StepUp__MaxAge</c>. They are read
/// from the route policy table (<see cref="RoutePolicies"/>: the policies that need a recent sign-in), so a route
/// declared sensitive is walked by <see cref="StepUpTests"/> without being listed again here.
/// </summary>
public static class SensitiveRoutes
{
    public static TheoryData<string, string> All
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var route in HttpRoutes.All.Where(r => RoutePolicies.Of(r.Name).NeedsRecentSignIn))
            {
                data.Add(route.Method, route.Path);
            }

            // Deleting the account takes a fresh sign-in or the password (a session policy; the service decides):
            // without the password, step-up decides.
            data.Add("DELETE", "api/v1/me");
            return data;
        }
    }

    /// <summary>A body each route accepts far enough to get past parsing.</summary>
    public static object BodyFor(string path) => path switch
    {
        "api/v1/api-keys" => new { name = "step-up", scopes = new[] { "bookmarks:read" } },
        _ when path.EndsWith("/roll", StringComparison.Ordinal) => new { expiresPreviousIn = 0 },
        _ when path.EndsWith("/api-keys", StringComparison.Ordinal) => new { name = "step-up", scopes = new[] { "bookmarks:read" } },
        _ when path.EndsWith("/invitations", StringComparison.Ordinal) => new { email = "invited@example.com", role = "member" },
        "api/v1/orgs" => new { name = "step-up" },
        "api/v1/me/password" => new { currentPassword = "wrong password", newPassword = "a new passphrase" },
        "api/v1/me/email" => new { newEmail = "moved@example.com", password = "wrong password" },
        _ when path.StartsWith("api/v1/me/passkeys/", StringComparison.Ordinal) && !path.EndsWith("options", StringComparison.Ordinal) => new { name = "renamed" },
        _ => new { code = "000000" },
    };
}
