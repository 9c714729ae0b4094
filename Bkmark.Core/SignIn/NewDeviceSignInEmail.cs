using Bkmark.Core.Email;
using Bkmark.Core.SecurityLog;

namespace Bkmark.Core.SignIn;

/// <summary>A password sign-in that presented no valid device token: a device this account has not signed in from (DESIGN.md §7, §9).</summary>
public sealed class NewDeviceSignInEmail(IOptions<AppOptions> app) : SecurityNoticeTemplate(app)
{
    public const string TemplateName = "signin-new-device";

    public override string Name => TemplateName;

    // Sent by SignInService, which alone knows whether the device was known; every sign-in records the same event.
    public override string? EventType => null;

    protected override string Subject => "New sign-in to your Bkmark account";

    protected override string Lead(IReadOnlyDictionary<string, string> values) =>
        "Your Bkmark account was just signed in to from a device it has not seen before.";
}
