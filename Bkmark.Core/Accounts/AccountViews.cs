namespace Bkmark.Core.Accounts;

/// <summary>What <c>POST /auth/register</c> answers: the new account.</summary>
public sealed record NewAccount(string Id, string Email, string? DisplayName, string Plan, DateTimeOffset CreatedAt);

/// <summary>What <c>GET /me</c> shows.</summary>
public sealed record UserProfile(
    string Id, string Email, string? DisplayName, string Plan, bool TwoFactorEnabled, int PasskeyCount, DateTimeOffset CreatedAt, bool EmailVerified);
