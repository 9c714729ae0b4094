using Microsoft.AspNetCore.Http;

namespace Bkmark.Core.Authorization;

/// <summary>
/// Authentication for sensitive actions (RFC 9470 step-up): the authenticator's answer, and for a session
/// a sign-in no older than <see cref="StepUpOptions.MaxAge"/>. It reads the access token's <c>auth_time</c>,
/// so it costs no storage request beyond the authenticator's one point read.
/// </summary>
/// <remarks>
/// Which actions are sensitive is DESIGN.md §8's list: every function for one of them authenticates here
/// instead of at <see cref="RequestAuthenticator"/>; the integration test's SensitiveRoutes walks them all.
/// </remarks>
public sealed class StepUp(RequestAuthenticator authenticator, TimeProvider time, IOptions<StepUpOptions> options)
{
    private readonly TimeSpan maxAge = options.Value.MaxAge;

    /// <summary>A signed-in session whose sign-in is recent; API keys get <c>API_KEY_NOT_ALLOWED</c>.</summary>
    public async Task<Result<Caller>> AuthenticateSessionAsync(HttpRequest request, CancellationToken cancellationToken) =>
        Check(await authenticator.AuthenticateSessionAsync(request, cancellationToken));

    /// <summary>Any credential; a session's sign-in must be recent (an API key proves nothing more by re-authenticating).</summary>
    public async Task<Result<Caller>> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken) =>
        Check(await authenticator.AuthenticateAsync(request, cancellationToken));

    /// <summary>
    /// The check alone, for an action that a fresh sign-in is one way to authorise (deleting the account takes
    /// the password instead): an API key passes, a session only with a recent sign-in.
    /// </summary>
    public Result<Caller> RequireRecent(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsSession)
        {
            return caller;
        }

        var provedAt = caller.AuthenticatedAt ?? DateTimeOffset.MinValue;
        return time.GetUtcNow() - provedAt <= maxAge ? caller : ReauthenticationRequired();
    }

    /// <summary>
    /// A recent proof made with a backup code or a passkey (DESIGN §14): what replacing a lost authenticator, or changing
    /// two-factor without a code from the app, needs. A recent proof of another kind is asked to be renewed that way.
    /// </summary>
    public Result<Caller> RequireRecoveryProof(Caller caller)
    {
        var recent = RequireRecent(caller);
        return !recent.Succeeded || AuthMethods.ProvesRecovery(caller.ProofMethod) ? recent : ReauthenticationRequired(
            "Without a code from your authenticator app, this needs a re-authentication from the last " +
            $"{(long)maxAge.TotalMinutes} minutes made with a backup code (POST /api/v1/auth/reauthenticate with password and " +
            "twoFactorCode set to a backup code) or with a passkey. Then retry.");
    }

    private Result<Caller> Check(Result<Caller> caller) => caller.Succeeded ? RequireRecent(caller.Value) : caller;

    private Problem ReauthenticationRequired(string? detail = null)
    {
        var maxAgeSeconds = ((long)maxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return new Problem(
            ErrorCodes.ReauthenticationRequired,
            detail ?? $"This action needs a sign-in from the last {(long)maxAge.TotalMinutes} minutes. Confirm it is you with POST /api/v1/auth/reauthenticate, then retry.")
        {
            // RFC 9470 §3: the challenge names the error and the most the authentication's age may be.
            Headers = new Dictionary<string, string>
            {
                ["WWW-Authenticate"] = $"Bearer realm=\"bkmark\", error=\"insufficient_user_authentication\", error_description=\"A more recent authentication is required.\", max_age={maxAgeSeconds}",
            },
        };
    }
}
