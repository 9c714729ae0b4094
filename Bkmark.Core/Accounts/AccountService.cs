using System.Net.Mail;
using System.Security.Cryptography;
using Bkmark.Core.Credentials;
using Bkmark.Core.Errors;
using Microsoft.AspNetCore.Identity;

namespace Bkmark.Core.Accounts;

/// <summary>Registration, password sign-in and the profile.</summary>
public sealed class AccountService
{
    private const int MinPasswordLength = 8;
    private const int MaxPasswordLength = 256;
    private const int MaxEmailLength = 254;
    private const int MaxDisplayNameLength = 100;

    private readonly UserStore _users;
    private readonly IPasskeyCounter _passkeys;
    private readonly IdGenerator _ids;
    private readonly TimeProvider _time;
    private readonly IPasswordHasher<UserEntity> _hasher;
    private readonly IEnumerable<IPlanChangeHandler> _planHandlers;

    // Verified against when the email is unknown, so an unknown email costs the same hash as a wrong password.
    private readonly string _decoyHash;

    // Internal because it takes Core's internal stores; registered with AddServiceWithInternalConstructor.
    internal AccountService(
        UserStore users,
        IPasskeyCounter passkeys,
        IdGenerator ids,
        TimeProvider time,
        IPasswordHasher<UserEntity> hasher,
        IEnumerable<IPlanChangeHandler> planHandlers)
    {
        _planHandlers = planHandlers;
        _users = users;
        _passkeys = passkeys;
        _ids = ids;
        _time = time;
        _hasher = hasher;
        _decoyHash = _hasher.HashPassword(new UserEntity(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
    }

    public async Task<Result<NewAccount>> RegisterAsync(string? email, string? password, string? displayName, CancellationToken cancellationToken)
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

        return new NewAccount(user.Id, user.Email, user.DisplayName, user.Plan, user.CreatedAt);
    }

    /// <summary>The account a session belongs to, for re-authenticating its person.</summary>
    internal Task<UserEntity?> FindAsync(string userId, CancellationToken cancellationToken) =>
        _users.FindByIdAsync(userId, cancellationToken);

    /// <summary>The account an email signs in to, or null; known and unknown emails cost the same reads.</summary>
    internal Task<UserEntity?> FindForSignInAsync(string normalizedEmail, CancellationToken cancellationToken) =>
        _users.FindByEmailAsync(normalizedEmail, cancellationToken);

    /// <summary>
    /// Checks a password against the account's hash; with no account, against a decoy hash of the same cost,
    /// so the answer's timing does not tell whether the account exists. A hash weaker than today's settings
    /// (fewer iterations, an older format) is replaced by a current one once the password is known to be right.
    /// </summary>
    internal async Task<bool> VerifyPasswordAsync(UserEntity? user, string password, CancellationToken cancellationToken)
    {
        if (user is null)
        {
            _hasher.VerifyHashedPassword(new UserEntity(), _decoyHash, password);
            return false;
        }

        var result = _hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = _hasher.HashPassword(user, password);
            // A lost race leaves the old hash for the next sign-in to replace.
            await _users.TryUpdateAsync(user, cancellationToken);
        }

        return result != PasswordVerificationResult.Failed;
    }

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
    public async Task<Result<UserPlan>> SetPlanAsync(string userId, string? plan, CancellationToken cancellationToken)
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

        return new UserPlan(user.Id, user.Plan);
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
}
