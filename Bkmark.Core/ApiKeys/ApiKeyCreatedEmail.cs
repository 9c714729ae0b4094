using Bkmark.Core.Email;
using Bkmark.Core.SecurityLog;

namespace Bkmark.Core.ApiKeys;

/// <summary>An API key was created: it reaches the library within its scopes until it expires or is revoked.</summary>
public sealed class ApiKeyCreatedEmail(IOptions<AppOptions> app) : SecurityNoticeTemplate(app)
{
    public override string Name => "apikey-created";

    public override string? EventType => SecurityEventTypes.ApiKeyCreated;

    protected override string Subject => "A new API key was created for your Bkmark account";

    // The prefix names the key as the list shows it; the key itself is never in an email.
    protected override string Lead(IReadOnlyDictionary<string, string> values) =>
        $"An API key starting with {values.GetValueOrDefault("keyPrefix", "bk_")}… was created for your Bkmark account.";
}
