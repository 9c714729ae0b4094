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

    [LoggerMessage(EventId = 9020, Level = LogLevel.Information, Message = "Queue function {FunctionName} listens on '{QueueName}' (max polling interval {MaxPollingInterval}, {MaxDequeueCount} tries before poison)")]
    public static partial void QueueListening(ILogger logger, string functionName, string queueName, TimeSpan maxPollingInterval, int maxDequeueCount);

    [LoggerMessage(EventId = 9021, Level = LogLevel.Warning, Message = "Queue function {FunctionName} failed on message {MessageId} (try {DequeueCount} of {MaxDequeueCount})")]
    public static partial void QueueMessageFailed(ILogger logger, string functionName, string messageId, long dequeueCount, int maxDequeueCount, Exception exception);

    [LoggerMessage(EventId = 9022, Level = LogLevel.Error, Message = "Queue function {FunctionName}: message {MessageId} moved to '{PoisonQueue}' after {DequeueCount} tries")]
    public static partial void QueueMessagePoisoned(ILogger logger, string functionName, string messageId, string poisonQueue, long dequeueCount);

    [LoggerMessage(EventId = 9023, Level = LogLevel.Warning, Message = "Queue function {FunctionName} could not read '{QueueName}' (status {Status}); polling again")]
    public static partial void QueueReceiveFailed(ILogger logger, string functionName, string queueName, int status);

    [LoggerMessage(EventId = 9024, Level = LogLevel.Information, Message = "Queue triggers are disabled (LocalHost:DisableQueueTriggers); {Count} queue function(s) will not run and their messages stay queued")]
    public static partial void QueueTriggersDisabled(ILogger logger, int count);
}
