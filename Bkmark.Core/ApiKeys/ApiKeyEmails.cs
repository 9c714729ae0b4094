using Bkmark.Core.Email;

namespace Bkmark.Core.ApiKeys;

/// <summary>"Your API key was found in public and revoked": the owner learns where, and that it no longer works.</summary>
internal sealed class ApiKeyLeakedEmail(IOptions<AppOptions> app) : IEmailTemplate
{
    public string Name => ApiKeyLeakReports.EmailTemplate;

    public EmailContent Compose(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var where = values["url"] is { Length: > 0 } url ? url : "a public place";
        return new EmailContent(
            $"Your API key \"{values["keyName"]}\" was found in public and revoked",
            [
                $"A secret-scanning partner found your API key \"{values["keyName"]}\" ({values["keyPrefix"]}…) at {where} and reported it to us.",
                $"We revoked it at {values["revokedAt"]}: requests with it now get TOKEN_REVOKED. Anyone who copied it can no longer use it.",
                "Create a new key for the scripts that used it, and keep keys out of code you publish (use an environment variable or a secret store).",
            ],
            new EmailLink("Review your API keys", app.Value.SecurityPageUrl.AbsoluteUri));
    }
}

/// <summary>"Your API key expires in 7 days / tomorrow": time to roll or replace it before scripts break.</summary>
internal sealed class ApiKeyExpiringEmail(IOptions<AppOptions> app) : IEmailTemplate
{
    public string Name => ApiKeyExpiryWarningHandler.EmailTemplate;

    public EmailContent Compose(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var when = values["days"] == "1" ? "tomorrow" : $"in {values["days"]} days";
        return new EmailContent(
            $"Your API key \"{values["keyName"]}\" expires {when}",
            [
                $"Your API key \"{values["keyName"]}\" ({values["keyPrefix"]}…) expires at {values["expiresAt"]}. After that, requests with it get TOKEN_EXPIRED.",
                "To keep scripts working, give it a later expiry or create a new key and switch to it before then.",
            ],
            new EmailLink("Manage your API keys", app.Value.SecurityPageUrl.AbsoluteUri));
    }
}
