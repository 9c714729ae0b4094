using Bkmark.Core.Email;

namespace Bkmark.Core.Organisations;

/// <summary>
/// The invitation email: who invites, to which organisation and role, and the single-use link. The organisation's
/// name is anyone's choice, so it arrives as <see cref="PlainText"/> and in quotes, never as a link.
/// </summary>
internal sealed class InvitationEmailTemplate : IEmailTemplate
{
    public string Name => InvitationService.TemplateName;

    public EmailContent Compose(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new EmailContent(
            $"Join \"{values["organisation"]}\" on Bkmark",
            [
                $"{values["invitedBy"]} invited you to the organisation \"{values["organisation"]}\" on Bkmark, as {values["role"]}.",
                $"Sign in with this email address and accept the invitation before {values["expiresAt"]}. The link works once.",
                "If you did not expect this invitation, ignore this email.",
            ],
            new EmailLink("Accept the invitation", values["link"]));
    }
}
