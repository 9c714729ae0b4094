using System.Buffers.Text;
using System.Formats.Cbor;
using Bkmark.Core.Accounts;
using Bkmark.Core.SecurityLog;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;

namespace Bkmark.Core.Passkeys;

/// <summary>
/// Passkeys: the WebAuthn registration and sign-in ceremonies (verified by Fido2), and managing a user's
/// passkeys. The rules Fido2 leaves to the relying party are here: challenges kept server-side and used
/// once, credential ids unique across users, the signature counter saved with an ETag, the user handle
/// required and matched on sign-in.
/// </summary>
public sealed partial class PasskeyService
{
    private readonly IFido2 fido2;
    private readonly PasskeyStore store;
    private readonly PasskeyChallengeStore challenges;
    private readonly AccountDirectory users;
    private readonly SignInMethods signInMethods;
    private readonly IdGenerator ids;
    private readonly TimeProvider time;
    private readonly SecurityEventLog securityLog;
    private readonly ILogger<PasskeyService> logger;

    // Internal because it takes Core's internal stores; registered with AddServiceWithInternalConstructor.
    internal PasskeyService(
        IFido2 fido2,
        PasskeyStore store,
        PasskeyChallengeStore challenges,
        AccountDirectory users,
        SignInMethods signInMethods,
        IdGenerator ids,
        TimeProvider time,
        SecurityEventLog securityLog,
        ILogger<PasskeyService> logger)
    {
        this.fido2 = fido2;
        this.store = store;
        this.challenges = challenges;
        this.users = users;
        this.signInMethods = signInMethods;
        this.ids = ids;
        this.time = time;
        this.securityLog = securityLog;
        this.logger = logger;
    }

    /// <summary>
    /// Starts registering a passkey for a signed-in user: options for <c>navigator.credentials.create</c>.
    /// <paramref name="purpose"/> is one of <see cref="PasskeyPurposes"/> (null: a passkey); a
    /// <see cref="PasskeyPurposes.SecondFactor"/> key need not be discoverable nor verify its user: it only ever follows a password.
    /// </summary>
    public async Task<Result<PasskeyCeremonyStart>> BeginRegistrationAsync(string userId, string? purpose, CancellationToken cancellationToken)
    {
        purpose ??= PasskeyPurposes.Passkey;
        if (!PasskeyPurposes.All.Contains(purpose))
        {
            return Problems.Validation("purpose", $"The purpose must be one of: {string.Join(", ", PasskeyPurposes.All)}.");
        }

        var secondFactorOnly = purpose == PasskeyPurposes.SecondFactor;
        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null)
        {
            return Problems.NotFound("The user");
        }

        if (user.EmailVerifiedAt is null)
        {
            return AccountProblems.EmailNotVerified();
        }

        var existing = await store.ListAsync(userId, cancellationToken);
        var options = fido2.RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = UserHandleOf(userId), Name = user.Email, DisplayName = user.DisplayName ?? user.Email },
            // The browser refuses an authenticator that already holds one of these: no second passkey for it.
            ExcludeCredentials = existing.Select(DescriptorOf).ToList(),
            AuthenticatorSelection = secondFactorOnly
                ? new AuthenticatorSelection
                {
                    // A security key beside a password: it need not store the credential (the allow list names it) nor ask for a PIN.
                    ResidentKey = ResidentKeyRequirement.Discouraged,
                    UserVerification = UserVerificationRequirement.Discouraged,
                }
                : new AuthenticatorSelection
                {
                    // Discoverable, so sign-in needs no user name; verified (PIN, biometrics), so a passkey is two factors.
                    ResidentKey = ResidentKeyRequirement.Required,
                    UserVerification = UserVerificationRequirement.Required,
                },
            AttestationPreference = AttestationConveyancePreference.None,
            PubKeyCredParams = PubKeyCredParam.Defaults,
        });

        return await StartAsync(PasskeyCeremony.Registration, userId, options.ToJson(), context: purpose, cancellationToken);
    }

    /// <summary>Verifies the browser's attestation and stores the new passkey, named after the caller's browser unless named.</summary>
    public async Task<Result<PasskeyView>> RegisterAsync(
        Caller caller, string? challengeId, JsonElement? credential, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var userId = caller.UserId;
        var userAgent = caller.Client.UserAgent;
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(challengeId))
        {
            errors.Add("challengeId", "The challenge id from POST /me/passkeys/options is required.");
        }

        var response = Parse<AuthenticatorAttestationRawResponse>(credential, r => r.Response is not null && r.RawId is { Length: > 0 });
        if (response is null)
        {
            errors.Add("credential", "The credential must be the PublicKeyCredential from navigator.credentials.create, as JSON.");
        }

        var validName = name is null ? PasskeyNames.FromUserAgent(userAgent) : ValidateName(name, errors);
        if (errors.Problem is { } invalid)
        {
            return invalid;
        }

        var challenge = await challenges.ConsumeAsync(challengeId, PasskeyCeremony.Registration, userId, cancellationToken);
        if (challenge is null)
        {
            return Problems.Validation("challengeId", "The challenge is unknown, expired or already used. Request new options.");
        }

        RegisteredPublicKeyCredential registered;
        try
        {
            registered = await fido2.MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = response!,
                OriginalOptions = CredentialCreateOptions.FromJson(challenge.OptionsJson),
                IsCredentialIdUniqueToUserCallback = async (args, ct) => await store.FindByCredentialIdAsync(args.CredentialId, ct) is null,
            }, cancellationToken);
        }
        catch (Exception exception) when (IsVerificationFailure(exception))
        {
            var reason = ReasonOf(exception);
            LogRegistrationRefused(logger, userId, reason);
            return reason == nameof(Fido2ErrorCode.NonUniqueCredentialId)
                ? AlreadyRegistered()
                : Problems.Validation("credential", $"The passkey could not be verified ({reason}).");
        }

        var now = time.GetUtcNow();
        var passkey = new PasskeyEntity
        {
            PartitionKey = userId,
            RowKey = ids.NewId(),
            CredentialId = Base64Url.EncodeToString(registered.Id),
            PublicKey = registered.PublicKey,
            UserHandle = Base64Url.EncodeToString(registered.User.Id),
            SignatureCounter = registered.SignCount,
            BackupEligible = registered.IsBackupEligible,
            BackedUp = registered.IsBackedUp,
            Transports = string.Join(',', (registered.Transports ?? []).Select(t => t.ToString().ToLowerInvariant())),
            Name = validName!,
            CreatedAt = now,
            Purpose = challenge.Context ?? PasskeyPurposes.Passkey,
        };

        // Fido2's uniqueness callback is a read; the index claim is the check that holds under a race.
        if (!await store.TryAddAsync(passkey, registered.Id, cancellationToken))
        {
            LogRegistrationRefused(logger, userId, nameof(Fido2ErrorCode.NonUniqueCredentialId));
            return AlreadyRegistered();
        }

        LogRegistered(logger, passkey.Id, userId);
        var added = PasskeyView.From(passkey);
        await securityLog.RecordAsync(caller, SecurityEventTypes.PasskeyAdded, DetailsOf(added), cancellationToken);
        return added;
    }

    /// <summary>Starts a passkey sign-in: options for <c>navigator.credentials.get</c>, for any discoverable credential.</summary>
    public async Task<PasskeyCeremonyStart> BeginSignInAsync(CancellationToken cancellationToken)
    {
        var options = fido2.GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = [],
            UserVerification = UserVerificationRequirement.Required,
        });
        return await StartAsync(PasskeyCeremony.Authentication, "", options.ToJson(), context: null, cancellationToken);
    }

    /// <summary>Verifies the browser's assertion.</summary>
    /// <returns>The user it proves; 401 <c>INVALID_CREDENTIALS</c> for anything that does not verify.</returns>
    public async Task<Result<string>> SignInAsync(string? challengeId, JsonElement? credential, CancellationToken cancellationToken)
    {
        // A discoverable credential's assertion carries the user handle: without it we could not tell whose it is.
        var response = Parse<AuthenticatorAssertionRawResponse>(credential, r => r.Response?.UserHandle is { Length: > 0 } && r.RawId is { Length: > 0 });
        if (response is null)
        {
            return Problems.Validation("credential", "The credential must be the PublicKeyCredential from navigator.credentials.get, as JSON, with its user handle.");
        }

        var challenge = await challenges.ConsumeAsync(challengeId, PasskeyCeremony.Authentication, "", cancellationToken);
        if (challenge is null)
        {
            return Refused("challenge unknown, expired or used");
        }

        var passkey = await store.FindByCredentialIdAsync(response.RawId, cancellationToken);
        if (passkey is null)
        {
            return Refused("unknown credential");
        }

        // A key registered for the second step only was never asked to verify its user: alone it is one factor.
        if (passkey.Purpose == PasskeyPurposes.SecondFactor)
        {
            return Refused("second-factor key used alone");
        }

        return await AssertAsync(passkey, response, challenge, Refused, cancellationToken);
    }

    /// <summary>
    /// Starts the second step of a password sign-in (DESIGN.md §17): options for <c>navigator.credentials.get</c> that
    /// allow any of the user's passkeys and security keys. The challenge is the pending sign-in: made only once the
    /// password was right, bound to that user, short-lived and consumed once. <paramref name="context"/> is what the
    /// password step passes on to the finished sign-in (no secret).
    /// </summary>
    /// <returns>Null when the user has no passkey or security key to use.</returns>
    internal async Task<PasskeyCeremonyStart?> BeginSecondFactorAsync(string userId, string? context, CancellationToken cancellationToken)
    {
        var registered = await store.ListAsync(userId, cancellationToken);
        if (registered.Count == 0)
        {
            return null;
        }

        var options = fido2.GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = registered.Select(DescriptorOf).ToList(),
            // The password was the knowledge factor; the key adds possession, with or without a PIN.
            UserVerification = UserVerificationRequirement.Discouraged,
        });
        return await StartAsync(PasskeyCeremony.SecondFactor, userId, options.ToJson(), context, cancellationToken);
    }

    /// <summary>Whose password a pending second step follows; null when the challenge is unknown, used or expired.</summary>
    internal async Task<string?> PendingSecondFactorUserAsync(string? challengeId, CancellationToken cancellationToken) =>
        (await challenges.PeekAsync(challengeId, PasskeyCeremony.SecondFactor, cancellationToken))?.UserId;

    /// <summary>
    /// Finishes a second step begun by <see cref="BeginSecondFactorAsync"/>: the assertion must come from one of
    /// <paramref name="userId"/>'s own passkeys or security keys.
    /// </summary>
    /// <returns>The context the password step left; 401 <c>INVALID_TWO_FACTOR_CODE</c> for an assertion that does not
    /// verify (a guess), 401 <c>INVALID_CREDENTIALS</c> when the pending sign-in is gone (used, expired: not a guess).</returns>
    internal async Task<Result<string?>> VerifySecondFactorAsync(
        string? challengeId, JsonElement? credential, string userId, CancellationToken cancellationToken)
    {
        // A security key's credential need not be discoverable, so its assertion may carry no user handle.
        var response = Parse<AuthenticatorAssertionRawResponse>(credential, r => r.Response is not null && r.RawId is { Length: > 0 });
        if (response is null)
        {
            return Problems.Validation("credential", "The credential must be the PublicKeyCredential from navigator.credentials.get, as JSON.");
        }

        var challenge = await challenges.ConsumeAsync(challengeId, PasskeyCeremony.SecondFactor, userId, cancellationToken);
        if (challenge is null)
        {
            return PendingSignInGone();
        }

        var passkey = await store.FindByCredentialIdAsync(response.RawId, cancellationToken);
        // Another person's key proves nothing about this account: the same answer as a forged signature.
        if (passkey is null || passkey.UserId != userId)
        {
            return SecondFactorRefused("unknown credential");
        }

        var used = await AssertAsync(passkey, response, challenge, SecondFactorRefused, cancellationToken);
        return used.Succeeded ? challenge.Context : used.Problem;
    }

    /// <summary>The problem for a second step whose pending sign-in is unknown, used or expired.</summary>
    internal static Problem PendingSignInGone() =>
        new(ErrorCodes.InvalidCredentials, "This sign-in is unknown, expired or already finished. Sign in with your password again.");

    /// <summary>Verifies an assertion against a consumed challenge and the stored key, then records the use.</summary>
    private async Task<Result<string>> AssertAsync(
        PasskeyEntity passkey, AuthenticatorAssertionRawResponse response, PasskeyChallengeEntity challenge, Func<string, Problem> refuse,
        CancellationToken cancellationToken)
    {
        VerifyAssertionResult verified;
        try
        {
            verified = await fido2.MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = response,
                OriginalOptions = AssertionOptions.FromJson(challenge.OptionsJson),
                StoredPublicKey = passkey.PublicKey,
                StoredSignatureCounter = (uint)passkey.SignatureCounter,
                // The user handle maps to one user; it must be the one this credential was registered for.
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) => Task.FromResult(
                    CryptographicOperations.FixedTimeEquals(args.UserHandle, Base64Url.DecodeFromChars(passkey.UserHandle))),
            }, cancellationToken);
        }
        catch (Exception exception) when (IsVerificationFailure(exception))
        {
            return refuse(ReasonOf(exception));
        }

        return await RecordUseAsync(passkey, verified, refuse, cancellationToken);
    }

    public async Task<IReadOnlyList<PasskeyView>> ListAsync(string userId, CancellationToken cancellationToken) =>
        (await store.ListAsync(userId, cancellationToken)).OrderBy(p => p.CreatedAt).Select(PasskeyView.From).ToList();

    public async Task<Result<PasskeyView>> RenameAsync(Caller caller, string passkeyId, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new FieldErrors();
        var validName = ValidateName(name, errors);
        if (errors.Problem is { } invalid)
        {
            return invalid;
        }

        var renamed = await OptimisticConcurrency.RunAsync<PasskeyView>(async () =>
        {
            var passkey = await store.FindAsync(caller.UserId, passkeyId, cancellationToken);
            if (passkey is null)
            {
                return Problems.NotFound("The passkey");
            }

            passkey.Name = validName!;
            return await store.TryReplaceAsync(passkey, cancellationToken) ? PasskeyView.From(passkey) : RaceAttempt.Lost;
        });
        if (renamed.Succeeded)
        {
            await securityLog.RecordAsync(caller, SecurityEventTypes.PasskeyRenamed, DetailsOf(renamed.Value), cancellationToken);
        }

        return renamed;
    }

    /// <summary>
    /// The person removes one of their passkeys, unless it is the account's last way to sign in (DESIGN.md §14); recorded
    /// in their security log with the passkey's name.
    /// </summary>
    /// <returns>NOT_FOUND for an unknown or another user's passkey (or one a concurrent removal took); 409
    /// <c>LAST_SIGN_IN_METHOD</c> for the last way in.</returns>
    public async Task<Result<PasskeyView>> DeleteAsync(Caller caller, string passkeyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var userId = caller.UserId;
        var removed = await signInMethods.RemoveAsync(
            userId,
            token => store.FindAsync(userId, passkeyId, token),
            store.DeleteAsync,
            Problems.NotFound("The passkey"),
            cancellationToken);
        if (!removed.Succeeded)
        {
            return removed.Problem;
        }

        LogRemoved(logger, passkeyId, userId);
        var passkey = PasskeyView.From(removed.Value);
        await securityLog.RecordAsync(caller, SecurityEventTypes.PasskeyRemoved, DetailsOf(passkey), cancellationToken);
        return passkey;
    }

    /// <summary>
    /// Removes a passkey of <paramref name="userId"/> with neither the last-way-in check nor a security event: the
    /// account itself is going (its every way in with it).
    /// </summary>
    internal async Task RemoveAsync(string userId, string passkeyId, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(userId, passkeyId, cancellationToken) is { } passkey && await store.DeleteAsync(passkey, cancellationToken))
        {
            LogRemoved(logger, passkeyId, userId);
        }
    }

    private static Dictionary<string, string> DetailsOf(PasskeyView passkey) => new() { ["passkeyId"] = passkey.Id, ["name"] = passkey.Name };

    /// <summary>The WebAuthn user handle of a user: the user id's bytes (a ULID: no personal data, ≤ 64 bytes).</summary>
    public static byte[] UserHandleOf(string userId) => Encoding.UTF8.GetBytes(userId);

    /// <summary>Saves the new counter and last use with the ETag; a concurrent use that got there first must have counted lower.</summary>
    private Task<Result<string>> RecordUseAsync(
        PasskeyEntity passkey, VerifyAssertionResult verified, Func<string, Problem> refuse, CancellationToken cancellationToken) =>
        OptimisticConcurrency.RunAsync<string>(async () =>
        {
            passkey.SignatureCounter = verified.SignCount;
            passkey.BackedUp = verified.IsBackedUp;
            passkey.LastUsedAt = time.GetUtcNow();
            if (await store.TryReplaceAsync(passkey, cancellationToken))
            {
                return passkey.UserId;
            }

            var fresh = await store.FindAsync(passkey.UserId, passkey.Id, cancellationToken);
            if (fresh is null)
            {
                return refuse("passkey removed during sign-in");
            }

            if (!SignatureCounter.Advances(fresh.SignatureCounter, verified.SignCount))
            {
                LogCounterRegression(logger, passkey.Id, passkey.UserId, fresh.SignatureCounter, verified.SignCount);
                return refuse(nameof(Fido2ErrorCode.InvalidSignCount));
            }

            passkey = fresh;
            return RaceAttempt.Lost;
        });

    private async Task<PasskeyCeremonyStart> StartAsync(
        string ceremony, string userId, string optionsJson, string? context, CancellationToken cancellationToken)
    {
        var challengeId = await challenges.CreateAsync(ceremony, userId, optionsJson, context, cancellationToken);
        using var document = JsonDocument.Parse(optionsJson);
        return new PasskeyCeremonyStart(challengeId, document.RootElement.Clone());
    }

    private Problem Refused(string reason)
    {
        LogSignInRefused(logger, reason);
        return new Problem(ErrorCodes.InvalidCredentials, "The passkey could not be verified.");
    }

    private Problem SecondFactorRefused(string reason)
    {
        LogSecondFactorRefused(logger, reason);
        return new Problem(ErrorCodes.InvalidTwoFactorCode, "The passkey or security key could not be verified.");
    }

    private static Problem AlreadyRegistered() =>
        Problems.Conflict("This passkey is already registered.");

    private static string? ValidateName(string? name, FieldErrors errors)
    {
        var trimmed = name?.Trim();
        if (trimmed is not { Length: > 0 and <= PasskeyNames.MaxLength } || trimmed.Any(char.IsControl))
        {
            errors.Add("name", $"The name must be 1 to {PasskeyNames.MaxLength} characters, without control characters.");
            return null;
        }

        return trimmed;
    }

    /// <summary>Reads the browser's PublicKeyCredential JSON into Fido2's type; null when it is not one.</summary>
    private static T? Parse<T>(JsonElement? credential, Func<T, bool> isComplete)
        where T : class
    {
        if (credential is not { ValueKind: JsonValueKind.Object } element)
        {
            return null;
        }

        try
        {
            // Fido2's own attributes name the members and decode base64url; unknown members are ignored.
            var parsed = element.Deserialize<T>();
            return parsed is not null && isComplete(parsed) ? parsed : null;
        }
        catch (Exception exception) when (exception is JsonException or FormatException)
        {
            return null;
        }
    }

    private static PublicKeyCredentialDescriptor DescriptorOf(PasskeyEntity passkey) => new(
        PublicKeyCredentialType.PublicKey,
        Base64Url.DecodeFromChars(passkey.CredentialId),
        passkey.Transports.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(t => Enum.TryParse<AuthenticatorTransport>(t, ignoreCase: true, out var transport) ? transport : (AuthenticatorTransport?)null)
            .OfType<AuthenticatorTransport>()
            .ToArray());

    /// <summary>What a malformed or forged response makes Fido2 throw: the client's mistake, never a 500.</summary>
    private static bool IsVerificationFailure(Exception exception) =>
        exception is Fido2VerificationException or CborContentException or FormatException or JsonException or ArgumentException or CryptographicException;

    private static string ReasonOf(Exception exception) =>
        exception is Fido2VerificationException fido ? fido.Code.ToString() : "MalformedResponse";

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Passkey {PasskeyId} registered for user {UserId}")]
    private static partial void LogRegistered(ILogger logger, string passkeyId, string userId);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Passkey registration refused for user {UserId}: {Reason}")]
    private static partial void LogRegistrationRefused(ILogger logger, string userId, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Passkey sign-in refused: {Reason}")]
    private static partial void LogSignInRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Passkey {PasskeyId} of user {UserId}: signature counter {Presented} does not advance past {Stored}; possible cloned authenticator")]
    private static partial void LogCounterRegression(ILogger logger, string passkeyId, string userId, long stored, long presented);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Passkey {PasskeyId} of user {UserId} removed")]
    private static partial void LogRemoved(ILogger logger, string passkeyId, string userId);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Security-key second step refused: {Reason}")]
    private static partial void LogSecondFactorRefused(ILogger logger, string reason);
}

/// <summary>A ceremony's start: the id to send back, and the options for the browser (a JSON object, as Fido2 writes it).</summary>
public sealed record PasskeyCeremonyStart(string ChallengeId, JsonElement Options);
