namespace Bkmark.LocalHost;

/// <summary>The local host's log messages. Event ids 9000–9099 belong to the local host.</summary>
internal static partial class LocalHostLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Mapped HTTP function {FunctionName}: {HttpMethods} /{RoutePattern} ({AuthLevel})")]
    public static partial void MappedHttpFunction(ILogger logger, string functionName, string httpMethods, string routePattern, string authLevel);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "LocalHost:FunctionKey is not set: every function-key route and the admin endpoint will answer 401")]
    public static partial void FunctionKeyNotConfigured(ILogger logger);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Warning, Message = "LocalHost:MasterKey is not set: the admin endpoint (/admin/functions/...) will answer 401")]
    public static partial void MasterKeyNotConfigured(ILogger logger);

    [LoggerMessage(EventId = 9007, Level = LogLevel.Information, Message = "Trusted proxies for X-Forwarded-For/-Proto: {TrustedNetworks}")]
    public static partial void TrustedNetworks(ILogger logger, string trustedNetworks);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Error, Message = "Function {FunctionName} failed")]
    public static partial void FunctionFailed(ILogger logger, string functionName, Exception exception);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Debug, Message = "Function {FunctionName} stopped: the client went away")]
    public static partial void RequestAborted(ILogger logger, string functionName);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Error, Message = "Function {FunctionName} failed after its response had started; the connection is aborted")]
    public static partial void FailedAfterResponseStarted(ILogger logger, string functionName, Exception exception);

    [LoggerMessage(EventId = 9010, Level = LogLevel.Information, Message = "Timer function {FunctionName} scheduled on '{Schedule}'; next run {NextRun:o}")]
    public static partial void TimerScheduled(ILogger logger, string functionName, string schedule, DateTime nextRun);

    [LoggerMessage(EventId = 9011, Level = LogLevel.Information, Message = "Timers are disabled (LocalHost:DisableTimers); {Count} timer function(s) run only through the admin endpoint")]
    public static partial void TimersDisabled(ILogger logger, int count);

    [LoggerMessage(EventId = 9012, Level = LogLevel.Information, Message = "Running timer function {FunctionName} ({Reason})")]
    public static partial void TimerRunning(ILogger logger, string functionName, string reason);

    [LoggerMessage(EventId = 9013, Level = LogLevel.Information, Message = "Timer function {FunctionName} completed in {ElapsedMilliseconds} ms")]
    public static partial void TimerCompleted(ILogger logger, string functionName, long elapsedMilliseconds);
}
