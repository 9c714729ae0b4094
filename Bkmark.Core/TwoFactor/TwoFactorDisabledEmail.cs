using Bkmark.Core.Email;
using Bkmark.Core.SecurityLog;

namespace Bkmark.Core.TwoFactor;

/// <summary>Two-factor authentication was turned off: from now on a password alone signs in.</summary>
public sealed class TwoFactorDisabledEmail(IOptions<AppOptions> app) : SecurityNoticeTemplate(app)
{
    public override string Name => "twofactor-disabled";

    public override string? EventType => SecurityEventTypes.TwoFactorDisabled;

    protected override string Subject => "Two-factor authentication was turned off";

    protected override string Lead(IReadOnlyDictionary<string, string> values) =>
        "Two-factor authentication was turned off for your Bkmark account, and its backup codes were deleted. Signing in now needs only your password.";
}
