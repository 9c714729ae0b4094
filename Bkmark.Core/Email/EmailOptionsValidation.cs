using MimeKit;

namespace Bkmark.Core.Email;

/// <summary>What data annotations cannot say: the sender is a mailbox, the public URL is an absolute http(s) URL.</summary>
internal sealed class EmailOptionsValidation : IValidateOptions<EmailOptions>, IValidateOptions<AppOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return MailboxAddress.TryParse(options.Smtp.From, out var from) && from.Address.Contains('@', StringComparison.Ordinal)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Email:Smtp:From '{options.Smtp.From}' is not a mailbox such as 'Bkmark <no-reply@bkmark.example>'.");
    }

    public ValidateOptionsResult Validate(string? name, AppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.PublicUrl is { IsAbsoluteUri: true, Scheme: "http" or "https" }
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"App:PublicUrl '{options.PublicUrl}' must be an absolute http(s) URL.");
    }
}
