using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Bkmark.Core.Accounts;
using Bkmark.Core.SecurityLog;
using Bkmark.Core.Sessions;
using Bkmark.Core.SignIn;
using Bkmark.Core.TwoFactor;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Bkmark.Core.Social;

/// <summary>
/// Signing in with, and linking, an OpenID Connect account (DESIGN.md §11): the authorization code flow with
/// PKCE (S256), <c>state</c> and <c>nonce</c>. A flow is started by a browser and bound to it (a cookie whose
/// HMAC the flow keeps), so a callback URL carried to another browser signs nobody in. The callback never
/// hands out tokens itself: it leaves a pending sign-in that the page completes with a same-origin POST (and
/// a second factor when the account has one), so 2FA holds and the tokens pass the same CSRF wall as a login.
/// </summary>
public sealed partial class SocialSignInService
{
    private const int SecretBytes = 32;

    private readonly SocialProviders providers;
    private readonly SocialFlowStore flows;
    private readonly SocialAccountStore links;
    private readonly AccountService accounts;
    private readonly AccountDirectory directory;
    private readonly SignInMethods signInMethods;
    private readonly TwoFactorService twoFactor;
    private readonly SessionService sessions;
    private readonly DeviceTokens devices;
    private readonly AccountReclaim reclaim;
    private readonly SecurityEventLog securityLog;
    private readonly CredentialHasher hasher;
    private readonly IdGenerator ids;
    private readonly TimeProvider time;
    private readonly SocialIdTokenValidator idTokens;
    private readonly SocialOptions options;
    private readonly ILogger<SocialSignInService> logger;

    internal SocialSignInService(
        SocialProviders providers,
        SocialFlowStore flows,
        SocialAccountStore links,
        AccountService accounts,
        AccountDirectory directory,
        SignInMethods signInMethods,
        TwoFactorService twoFactor,
        SessionService sessions,
        DeviceTokens devices,
        AccountReclaim reclaim,
        SecurityEventLog securityLog,
        CredentialHasher hasher,
        IdGenerator ids,
        TimeProvider time,
        IOptions<SocialOptions> options,
        ILogger<SocialSignInService> logger)
    {
        this.providers = providers;
        this.flows = flows;
        this.links = links;
        this.accounts = accounts;
        this.directory = directory;
        this.signInMethods = signInMethods;
        this.twoFactor = twoFactor;
        this.sessions = sessions;
        this.devices = devices;
        this.reclaim = reclaim;
        this.securityLog = securityLog;
        this.hasher = hasher;
        this.ids = ids;
        this.time = time;
        this.options = options.Value;
        this.idTokens = new SocialIdTokenValidator(time, this.options.IdTokenClockSkew);
        this.logger = logger;
    }

    /// <summary>A sign-in with <paramref name="providerName"/>: where to send the browser, and the cookie that binds the flow to it.</summary>
    public Task<Result<SocialFlowStart>> StartSignInAsync(string providerName, string redirectUri, CancellationToken cancellationToken) =>
        StartAsync(providerName, SocialFlowPurpose.SignIn, userId: "", redirectUri, cancellationToken);

    /// <summary>
    /// Linking <paramref name="providerName"/> to the signed-in <paramref name="userId"/>: the flow remembers the
    /// user server-side, so the callback links to whoever started it and to nobody a request names.
    /// </summary>
    public async Task<Result<SocialFlowStart>> StartLinkAsync(string userId, string providerName, string redirectUri, CancellationToken cancellationToken)
    {
        var verified = await directory.FindVerifiedAsync(userId, cancellationToken);
        return verified.Succeeded
            ? await StartAsync(providerName, SocialFlowPurpose.Link, userId, redirectUri, cancellationToken)
            : verified.Problem;
    }

    /// <summary>
    /// The provider's redirect back: takes the flow (once), redeems the code, validates the ID token, then
    /// links, or finds or creates the account and leaves a pending sign-in. Never links an account by email.
    /// </summary>
    public async Task<Result<SocialCallbackOutcome>> CompleteCallbackAsync(SocialCallback callback, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var provider = providers.Find(callback.Provider);
        if (provider is null)
        {
            return Problems.NotFound("The sign-in provider");
        }

        // RFC 6749 §10.12: the state proves this browser started this flow, here, and it is spent at once.
        var now = time.GetUtcNow();
        if (!IsWellFormedSecret(callback.State) || await flows.FindAsync(callback.State!, SocialFlowEntity.FlowKind, now, cancellationToken) is not { } flow)
        {
            return Refused(provider, "This sign-in is unknown, was already used, or took too long. Start again.");
        }

        if (!await flows.TryConsumeAsync(flow, now, cancellationToken))
        {
            return Refused(provider, "This sign-in was already used. Start again.");
        }

        if (flow.Provider != provider.Name
            || !IsWellFormedSecret(callback.BrowserBinding)
            || !CredentialHasher.HashesEqual(flow.BindingHash, hasher.Hash(callback.BrowserBinding!)))
        {
            return Refused(provider, "This sign-in was started in another browser. Start again.");
        }

        if (callback.Error is { Length: > 0 } error)
        {
            return Refused(provider, error == "access_denied"
                ? $"{provider.DisplayName} did not let you sign in."
                : $"{provider.DisplayName} answered with an error ({Truncate(error)}).");
        }

        var configuration = await ConfigurationOfAsync(provider, cancellationToken);
        if (!configuration.Succeeded)
        {
            return configuration.Problem;
        }

        // RFC 9207: a provider that names itself in the response must be the one this flow went to (mix-up).
        if (callback.Issuer is { } issuer && issuer != configuration.Value.Issuer)
        {
            return Refused(provider, "The answer came from another provider.");
        }

        var idToken = await RedeemCodeAsync(provider, configuration.Value, callback.State!, callback.Code, flow.RedirectUri, cancellationToken);
        if (!idToken.Succeeded)
        {
            return idToken.Problem;
        }

        var identity = await idTokens.ValidateAsync(idToken.Value, configuration.Value, provider.Options.ClientId, NonceOf(callback.State!));
        if (!identity.Succeeded)
        {
            LogIdTokenRefused(logger, provider.Name, identity.Problem.Detail);
            return identity.Problem;
        }

        return flow.Purpose == SocialFlowPurpose.Link
            ? await LinkAsync(provider, flow.UserId, identity.Value, client, cancellationToken)
            : await BeginSignInAsync(provider, identity.Value, client, cancellationToken);
    }

    /// <summary>
    /// Turns a pending sign-in into a session (<c>social</c>, or <c>social+totp</c>), with a device token. With
    /// two-factor on, the code is checked (throttled per user, as at password sign-in) before the pending sign-in
    /// is taken, so a missing or wrong code leaves it for the next try; of two completions, one gets the session.
    /// </summary>
    public async Task<Result<TokenResponse>> CompleteSignInAsync(
        string? pendingSignIn, string? twoFactorCode, ClientInfo client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!IsWellFormedSecret(pendingSignIn) || await flows.FindAsync(pendingSignIn!, SocialFlowEntity.PendingSignInKind, now, cancellationToken) is not { } pending)
        {
            return SocialProblems.SignInFailed("This social sign-in is unknown, finished, or took too long. Sign in again.");
        }

        // DESIGN.md §14: a link outlives a deleted account until the sweep erases it; it signs nobody in.
        if (await accounts.FindAsync(pending.UserId, cancellationToken) is not { } user)
        {
            return SocialProblems.SignInFailed("This account no longer exists.");
        }

        // The provider's proof is in, as a right password would be: only now may the answer tell that support locked the account.
        if (AccountService.RefuseSignIn(user) is { } refused)
        {
            return refused;
        }

        var secondFactor = await twoFactor.CheckSignInAsync(pending.UserId, twoFactorCode, cancellationToken);
        if (!secondFactor.Succeeded)
        {
            await securityLog.RecordRefusalAsync(pending.UserId, secondFactor.Problem, client, cancellationToken);
            return secondFactor.Problem;
        }

        if (!await flows.TryConsumeAsync(pending, now, cancellationToken))
        {
            return SocialProblems.SignInFailed("This social sign-in was already finished.");
        }

        var usedBackupCode = BackupCodes.WasUsed(secondFactor.Value, twoFactorCode);
        if (usedBackupCode)
        {
            await securityLog.RecordAsync(new SecurityEvent(pending.UserId, SecurityEventTypes.BackupCodeUsed, client), cancellationToken);
        }

        var authMethod = secondFactor.Value == AuthMethods.PasswordAndTotp ? AuthMethods.SocialAndTotp : AuthMethods.Social;
        var tokens = await sessions.SignInAsync(
            pending.UserId, authMethod, usedBackupCode ? AuthMethods.SocialAndBackupCode : authMethod, client, cancellationToken);
        return tokens with { DeviceToken = devices.Issue(pending.UserId, user.SecurityStamp) };
    }

    /// <summary>The configured providers, for the sign-in buttons.</summary>
    public IReadOnlyList<SocialProviderView> ListProviders() => providers.List();

    /// <summary>The user's linked social accounts, oldest first.</summary>
    public async Task<IReadOnlyList<SocialAccountView>> ListAsync(string userId, CancellationToken cancellationToken) =>
        [.. (await links.ListAsync(userId, cancellationToken)).Select(ViewOf)];

    /// <summary>
    /// Removes a link, unless it is the last way into the account (DESIGN.md §14): no password (a social-only account
    /// has none), no passkey, no other link, counted under <see cref="SignInMethods"/> so that racing removals take turns.
    /// </summary>
    public async Task<Result<SocialAccountView>> UnlinkAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var userId = caller.UserId;
        var removed = await signInMethods.RemoveAsync(
            userId,
            token => links.FindAsync(userId, id, token),
            links.RemoveAsync,
            Problems.NotFound("The social account"),
            cancellationToken);
        if (!removed.Succeeded)
        {
            return removed.Problem;
        }

        var unlinked = ViewOf(removed.Value);
        await securityLog.RecordAsync(caller, SecurityEventTypes.SocialUnlinked, DetailsOf(unlinked), cancellationToken);
        return unlinked;
    }

    private async Task<Result<SocialFlowStart>> StartAsync(
        string providerName, string purpose, string userId, string redirectUri, CancellationToken cancellationToken)
    {
        var provider = providers.Find(providerName);
        if (provider is null)
        {
            return Problems.NotFound("The sign-in provider");
        }

        var configuration = await ConfigurationOfAsync(provider, cancellationToken);
        if (!configuration.Succeeded)
        {
            return configuration.Problem;
        }

        var state = NewSecret();
        var binding = NewSecret();
        await flows.AddAsync(state, new SocialFlowEntity
        {
            RowKey = SocialFlowEntity.FlowKind,
            Provider = provider.Name,
            Purpose = purpose,
            UserId = userId,
            BindingHash = hasher.Hash(binding),
            RedirectUri = redirectUri,
            ExpiresAt = time.GetUtcNow() + options.FlowLifetime,
        }, cancellationToken);

        var url = QueryHelpers.AddQueryString(configuration.Value.AuthorizationEndpoint, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = provider.Options.ClientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = provider.Options.Scopes,
            ["state"] = state,
            ["nonce"] = NonceOf(state),
            // RFC 7636 §4.2: S256 only; the verifier never leaves this service until the token request.
            ["code_challenge"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(CodeVerifierOf(state)))),
            ["code_challenge_method"] = "S256",
        });
        return new SocialFlowStart(url, binding, options.FlowLifetime);
    }

    private async Task<Result<SocialCallbackOutcome>> LinkAsync(
        SocialProvider provider, string userId, SocialIdentity identity, ClientInfo client, CancellationToken cancellationToken)
    {
        if (await links.FindIdentityAsync(provider.Name, identity.Subject, cancellationToken) is { } existing)
        {
            return existing.UserId == userId ? SocialCallbackOutcome.LinkMade : InUse(provider);
        }

        var link = NewLink(provider, userId, identity);
        if (!await links.TryAddAsync(link, cancellationToken))
        {
            return InUse(provider);
        }

        await securityLog.RecordAsync(
            new SecurityEvent(userId, SecurityEventTypes.SocialLinked, client, Details: DetailsOf(link)), cancellationToken);
        return SocialCallbackOutcome.LinkMade;
    }

    private async Task<Result<SocialCallbackOutcome>> BeginSignInAsync(
        SocialProvider provider, SocialIdentity identity, ClientInfo client, CancellationToken cancellationToken)
    {
        var userId = (await links.FindIdentityAsync(provider.Name, identity.Subject, cancellationToken))?.UserId;
        if (userId is null)
        {
            var created = await CreateAccountAsync(provider, identity, client, cancellationToken);
            if (!created.Succeeded)
            {
                return created.Problem;
            }

            userId = created.Value;
        }

        var pendingSignIn = NewSecret();
        await flows.AddAsync(pendingSignIn, new SocialFlowEntity
        {
            RowKey = SocialFlowEntity.PendingSignInKind,
            Provider = provider.Name,
            UserId = userId,
            ExpiresAt = time.GetUtcNow() + options.PendingSignInLifetime,
        }, cancellationToken);
        return new SocialCallbackOutcome(Linked: false, pendingSignIn, options.PendingSignInLifetime);
    }

    /// <summary>
    /// A first sign-in: an account for the provider's verified email, linked to this identity. An account that
    /// already has the email is never linked while its address is confirmed (pre-account takeover: whoever made it
    /// may not be this person); one whose address was never confirmed is reclaimed by this proof of it (DESIGN.md §14).
    /// </summary>
    private async Task<Result<string>> CreateAccountAsync(
        SocialProvider provider, SocialIdentity identity, ClientInfo client, CancellationToken cancellationToken)
    {
        if (!identity.EmailVerified || EmailAddress.Normalize(identity.Email) is not { } email)
        {
            return new Problem(
                ErrorCodes.SocialEmailUnverified,
                $"{provider.DisplayName} does not confirm that this email address is yours, so no account was created. Verify it there, or sign up with a password.");
        }

        var existing = await accounts.FindForSignInAsync(email, cancellationToken);
        if (existing is { EmailVerifiedAt: null })
        {
            var reclaimed = await reclaim.ReclaimAsync(existing.Id, newPassword: null, expectedStamp: null, AccountReclaim.BySocialSignIn, client, cancellationToken);
            return reclaimed.Succeeded ? await LinkNewAccountAsync(provider, identity, reclaimed.Value.Id, cancellationToken) : reclaimed.Problem;
        }

        var created = existing is null ? await accounts.CreateWithoutPasswordAsync(email, identity.Name, cancellationToken) : null;
        if (created is null)
        {
            return new Problem(
                ErrorCodes.SocialAccountNotLinked,
                $"A Bkmark account with {email} already exists and is not connected to {provider.DisplayName}. Sign in to it another way, then connect {provider.DisplayName} under Connected accounts.");
        }

        LogAccountCreated(logger, created.Id, provider.Name);
        return await LinkNewAccountAsync(provider, identity, created.Id, cancellationToken);
    }

    /// <summary>Links the identity to the account its first sign-in made or reclaimed; returns whose account it signs in to.</summary>
    private async Task<Result<string>> LinkNewAccountAsync(SocialProvider provider, SocialIdentity identity, string userId, CancellationToken cancellationToken)
    {
        if (!await links.TryAddAsync(NewLink(provider, userId, identity), cancellationToken))
        {
            // A concurrent first sign-in with this identity linked it first; its account is the one.
            return (await links.FindIdentityAsync(provider.Name, identity.Subject, cancellationToken))?.UserId is { } winner
                ? winner
                : Problems.ConcurrentChange();
        }

        return userId;
    }

    private async Task<Result<OpenIdConnectConfiguration>> ConfigurationOfAsync(SocialProvider provider, CancellationToken cancellationToken)
    {
        try
        {
            return await provider.Configuration.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException exception)
        {
            // The manager wraps every failure to fetch or read the discovery document or JWKS in this.
            LogProviderUnavailable(logger, provider.Name, exception);
            return Unavailable(provider);
        }
    }

    /// <summary>OpenID Connect Core §3.1.3.1: the code, the redirect URI and the PKCE verifier, with the client's secret.</summary>
    private async Task<Result<string?>> RedeemCodeAsync(
        SocialProvider provider, OpenIdConnectConfiguration configuration, string state, string? code, string redirectUri, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(code))
        {
            return Refused(provider, "The provider answered without an authorization code.");
        }

        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = CodeVerifierOf(state),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint);
        var secret = await providers.ClientSecretAsync(provider, cancellationToken);
        if (!Authenticate(request, form, provider.Options.ClientId, secret, configuration.TokenEndpointAuthMethodsSupported))
        {
            LogNoClientAuthentication(logger, provider.Name);
            return Unavailable(provider);
        }

        request.Content = new FormUrlEncodedContent(form);
        try
        {
            using var response = await providers.Http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogCodeRefused(logger, provider.Name, (int)response.StatusCode);
                return Refused(provider, "The provider did not accept the sign-in (the code was used, expired, or not ours).");
            }

            var tokens = await response.Content.ReadFromJsonAsync<TokenEndpointResponse>(cancellationToken);
            return tokens?.IdToken;
        }
        catch (Exception exception) when (exception is HttpRequestException or System.Text.Json.JsonException
            || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogProviderUnavailable(logger, provider.Name, exception);
            return Unavailable(provider);
        }
    }

    /// <summary>
    /// RFC 6749 §2.3.1: HTTP Basic (the default when discovery lists no method) or the secret in the form,
    /// whichever the provider's discovery document supports; a public client (no secret) sends only its id.
    /// </summary>
    private static bool Authenticate(
        HttpRequestMessage request, Dictionary<string, string> form, string clientId, string? secret, ICollection<string> supported)
    {
        if (secret is null)
        {
            form["client_id"] = clientId;
            return true;
        }

        if (supported.Count == 0 || supported.Contains("client_secret_basic"))
        {
            var credentials = $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
            return true;
        }

        if (supported.Contains("client_secret_post"))
        {
            form["client_id"] = clientId;
            form["client_secret"] = secret;
            return true;
        }

        return false;
    }

    private SocialAccountEntity NewLink(SocialProvider provider, string userId, SocialIdentity identity) => new()
    {
        PartitionKey = userId,
        RowKey = ids.NewId(),
        Provider = provider.Name,
        Subject = identity.Subject,
        Email = identity.EmailVerified ? identity.Email : null,
        CreatedAt = time.GetUtcNow(),
    };

    private SocialAccountView ViewOf(SocialAccountEntity link) =>
        new(link.Id, link.Provider, providers.Find(link.Provider)?.DisplayName ?? link.Provider, link.Email, link.CreatedAt);

    /// <summary>What the security log keeps of a link: which provider, which link. No token, no subject.</summary>
    private static Dictionary<string, string> DetailsOf(SocialAccountView link)
    {
        ArgumentNullException.ThrowIfNull(link);
        return new() { ["provider"] = link.Provider, ["socialAccountId"] = link.Id };
    }

    private Dictionary<string, string> DetailsOf(SocialAccountEntity link) => DetailsOf(ViewOf(link));

    // The nonce and the PKCE verifier are the state's HMAC under the credential pepper: only this service can
    // make them, and they need no storage of their own (the flow entity holds neither).
    private string NonceOf(string state) => hasher.Hash("oidc-nonce:" + state);

    private string CodeVerifierOf(string state) => hasher.Hash("oidc-pkce:" + state);

    private static string NewSecret() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(SecretBytes));

    private static bool IsWellFormedSecret(string? value) =>
        value is { Length: 43 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64];

    private static Problem Refused(SocialProvider provider, string detail) =>
        SocialProblems.SignInFailed($"Signing in with {provider.DisplayName} failed: {detail}");

    private static Problem InUse(SocialProvider provider) => new(
        ErrorCodes.SocialAccountInUse,
        $"This {provider.DisplayName} account is already connected to another Bkmark account.");

    private static Problem Unavailable(SocialProvider provider) => new(
        ErrorCodes.SocialProviderUnavailable, $"{provider.DisplayName} could not be reached. Try again shortly.");

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Account {UserId} created by a first sign-in with {Provider}")]
    private static partial void LogAccountCreated(ILogger logger, string userId, string provider);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning, Message = "ID token from {Provider} refused: {Reason}")]
    private static partial void LogIdTokenRefused(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Warning, Message = "Token endpoint of {Provider} refused the authorization code with status {Status}")]
    private static partial void LogCodeRefused(ILogger logger, string provider, int status);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Error, Message = "Identity provider {Provider} could not be reached")]
    private static partial void LogProviderUnavailable(ILogger logger, string provider, Exception exception);

    [LoggerMessage(EventId = 9105, Level = LogLevel.Error, Message = "Identity provider {Provider} supports neither client_secret_basic nor client_secret_post")]
    private static partial void LogNoClientAuthentication(ILogger logger, string provider);

    private sealed record TokenEndpointResponse([property: JsonPropertyName("id_token")] string? IdToken);
}

/// <summary>Where to send the browser, and the cookie value that binds the flow to it (for <paramref name="Lifetime"/>).</summary>
public sealed record SocialFlowStart(string AuthorizationUrl, string BrowserBinding, TimeSpan Lifetime);

/// <summary>The provider's redirect back, as the callback received it, with the browser's binding cookie.</summary>
public sealed record SocialCallback(string Provider, string? State, string? Code, string? Error, string? Issuer, string? BrowserBinding);

/// <summary>A link was made, or a sign-in waits for the page (<paramref name="PendingSignIn"/> goes into its cookie for <paramref name="Lifetime"/>).</summary>
public sealed record SocialCallbackOutcome(bool Linked, string? PendingSignIn, TimeSpan Lifetime)
{
    internal static SocialCallbackOutcome LinkMade { get; } = new(Linked: true, PendingSignIn: null, TimeSpan.Zero);
}

/// <summary>A linked social account as <c>GET /me/social-accounts</c> shows it.</summary>
public sealed record SocialAccountView(string Id, string Provider, string DisplayName, string? Email, DateTimeOffset CreatedAt);

internal static class SocialProblems
{
    public static Problem SignInFailed(string detail) => new(ErrorCodes.SocialSignInFailed, detail);
}
