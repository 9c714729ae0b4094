using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using Bkmark.Core.Credentials;
using Bkmark.Core.Errors;
using Bkmark.Core.Passkeys;
using Bkmark.Core.Throttling;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Bkmark.Core.Accounts;

/// <summary>Registration, password sign-in and the profile.</summary>
public sealed class AccountService
{
    private const int MinPasswordLength = 8;
    private const int MaxPasswordLength = 256;
    private const int MaxEmailLength = 254;
    private const int MaxDisplayNameLength = 100;

    private readonly UserStore _users;
    private readonly PasskeyStore _passkeys;
    private readonly AttemptThrottle _throttle;
    private readonly IdGenerator _ids;
    private readonly TimeProvider _time;
    private readonly PasswordHasher<UserEntity> _hasher = new();
    private readonly ThrottlePolicy _loginPolicy;
    private readonly IEnumerable<IPlanChangeHandler> _planHandlers;

    // Verified against when the email is unknown, so an unknown email costs the same hash as a wrong password.
    private readonly string _decoyHash;

    public AccountService(
        UserStore users,
        PasskeyStore passkeys,
        AttemptThrottle throttle,
        IdGenerator ids,
        TimeProvider time,
        IOptions<AccountOptions> options,
        IEnumerable<IPlanChangeHandler> planHandlers)
    {
        _planHandlers = planHandlers;
        _users = users;
        _passkeys = passkeys;
        _throttle = throttle;
        _ids = ids;
        _time = time;
        var o = options.Value;
        _loginPolicy = new ThrottlePolicy("login", o.LoginMaxFailures, o.LoginLockout, o.LoginLockout);
        _decoyHash = _hasher.HashPassword(new UserEntity(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
    }

    public async Task<Result<UserEntity>> RegisterAsync(string? email, string? password, string? displayName, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var normalizedEmail = NormalizeEmail(email);
        if (normalizedEmail is null)
        {
            errors["email"] = ["Enter a valid email address."];
        }

        if (password is null || password.Length is < MinPasswordLength or > MaxPasswordLength)
        {
            errors["password"] = [$"The password must be {MinPasswordLength} to {MaxPasswordLength} characters."];
        }

        var name = displayName?.Trim();
        if (name is { Length: > MaxDisplayNameLength })
        {
            errors["displayName"] = [$"The display name must be at most {MaxDisplayNameLength} characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var user = new UserEntity
        {
            PartitionKey = _ids.NewId(),
            Email = normalizedEmail!,
            DisplayName = string.IsNullOrEmpty(name) ? null : name,
            Plan = Plans.Free,
            CreatedAt = _time.GetUtcNow(),
        };
        user.PasswordHash = _hasher.HashPassword(user, password!);

        if (!await _users.CreateAsync(user, cancellationToken))
        {
            return new Problem(ErrorCodes.EmailTaken, "An account with this email already exists.");
        }

        return user;
    }

    /// <summary>
    /// Checks email and password. Unknown email and wrong password are one answer with one cost, and
    /// both count towards the lock-out of that email, so the throttle does not reveal which emails exist.
    /// </summary>
    public async Task<Result<UserEntity>> CheckPasswordAsync(string? email, string? password, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(email))
        {
            errors["email"] = ["The email is required."];
        }

        if (string.IsNullOrEmpty(password))
        {
            errors["password"] = ["The password is required."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var normalizedEmail = email!.Trim().ToLowerInvariant();
        var throttle = await _throttle.ReadAsync(_loginPolicy, SubjectOf(normalizedEmail), cancellationToken);
        if (throttle.LockedFor is { } lockedFor)
        {
            return Problems.TooManyAttempts(lockedFor);
        }

        var user = await _users.FindByEmailAsync(normalizedEmail, cancellationToken);
        bool verified;
        if (user is null)
        {
            _hasher.VerifyHashedPassword(new UserEntity(), _decoyHash, password!);
            verified = false;
        }
        else
        {
            verified = _hasher.VerifyHashedPassword(user, user.PasswordHash, password!) != PasswordVerificationResult.Failed;
        }

        if (!verified)
        {
            await _throttle.RecordFailureAsync(throttle, cancellationToken);
            return Problems.InvalidCredentials();
        }

        await _throttle.ResetAsync(throttle, cancellationToken);
        return user!;
    }

    public Task<UserEntity?> FindAsync(string userId, CancellationToken cancellationToken) =>
        _users.FindByIdAsync(userId, cancellationToken);

    public async Task<Result<UserProfile>> GetProfileAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await _users.FindByIdAsync(userId, cancellationToken);
        if (user is null)
        {
            return Problems.NotFound("The user");
        }

        return new UserProfile(user.Id, user.Email, user.DisplayName, user.Plan, user.TwoFactorEnabled,
            PasskeyCount: await _passkeys.CountAsync(user.Id, cancellationToken), user.CreatedAt);
    }

    /// <summary>
    /// Sets the user's plan (operator only: the billing system calls it), then lets each feature follow
    /// it. The plan is written first; if following it is interrupted, the billing system's retry of the
    /// same call finishes the job, because both steps run again even when the plan is already set.
    /// </summary>
    public async Task<Result<UserEntity>> SetPlanAsync(string userId, string? plan, CancellationToken cancellationToken)
    {
        if (plan is null || !Plans.All.Contains(plan))
        {
            return Problems.Validation("plan", $"The plan must be one of: {string.Join(", ", Plans.All)}.");
        }

        UserEntity? user;
        do
        {
            user = await _users.FindByIdAsync(userId, cancellationToken);
            if (user is null)
            {
                return Problems.NotFound("The user");
            }

            if (user.Plan == plan)
            {
                break;
            }

            user.Plan = plan;
        }
        while (!await _users.TryUpdateAsync(user, cancellationToken));

        foreach (var handler in _planHandlers)
        {
            await handler.ApplyPlanAsync(userId, plan, cancellationToken);
        }

        return user;
    }

    /// <summary>Trim and lower-case; null when it is not an email address.</summary>
    public static string? NormalizeEmail(string? email)
    {
        var trimmed = email?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxEmailLength || trimmed.Any(char.IsWhiteSpace) || trimmed.Any(char.IsControl))
        {
            return null;
        }

        return MailAddress.TryCreate(trimmed, out var address) && address.Address == trimmed && address.Host.Contains('.')
            ? trimmed
            : null;
    }

    private static string SubjectOf(string normalizedEmail) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));
}
