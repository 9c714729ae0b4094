namespace Bkmark.Functions.Http;

/// <summary>Records what a caller just did to their account's security, with the request's address and browser.</summary>
public static class SecurityEventRecording
{
    public static Task RecordAsync(
        this SecurityEventLog securityLog, HttpRequest request, Caller caller, string type, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? details = null)
    {
        ArgumentNullException.ThrowIfNull(securityLog);
        ArgumentNullException.ThrowIfNull(caller);
        // Acting for an organisation (its key, or a manager on its routes) makes the event the organisation's too.
        if (caller.OrganisationId is { } organisationId && details?.ContainsKey(SecurityEventLog.OrganisationDetail) != true)
        {
            details = new Dictionary<string, string>(details ?? new Dictionary<string, string>()) { [SecurityEventLog.OrganisationDetail] = organisationId };
        }

        return securityLog.RecordAsync(new SecurityEvent(caller.UserId, type, ClientInfo.From(request), caller.SessionId, details), cancellationToken);
    }

    /// <summary>
    /// Records <paramref name="type"/> only when the action succeeded (a refused change is no event on the account),
    /// with details taken from what it returned.
    /// </summary>
    public static async Task RecordIfSucceededAsync<T>(
        this SecurityEventLog securityLog, HttpRequest request, Caller caller, Result<T> outcome, string type, CancellationToken cancellationToken,
        Func<T, IReadOnlyDictionary<string, string>>? details = null)
    {
        if (outcome.Succeeded)
        {
            await securityLog.RecordAsync(request, caller, type, cancellationToken, details?.Invoke(outcome.Value));
        }
    }
}
