using Bkmark.Core.Email;
using Bkmark.Core.SecurityLog;

namespace Bkmark.Core.Passkeys;

/// <summary>A passkey was added: whoever holds it can now sign in without the password.</summary>
public sealed class PasskeyAddedEmail(IOptions<AppOptions> app) : SecurityNoticeTemplate(app)
{
    public override string Name => "passkey-added";

    public override string? EventType => SecurityEventTypes.PasskeyAdded;

    protected override string Subject => "A passkey was added to your Bkmark account";

    protected override string Lead(IReadOnlyDictionary<string, string> values) =>
        $"A passkey named \"{values.GetValueOrDefault("name", "Passkey")}\" was added to your Bkmark account. It can sign in without your password.";
}
