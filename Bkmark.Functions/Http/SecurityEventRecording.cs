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
        return securityLog.RecordAsync(new SecurityEvent(caller.UserId, type, ClientInfo.From(request), caller.SessionId, details), cancellationToken);
    }
}
