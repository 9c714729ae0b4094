using System.Diagnostics;
using Microsoft.Azure.Functions.Worker;

namespace Bkmark.LocalHost;

/// <summary>
/// Runs one timer invocation, for the scheduler and for the admin endpoint alike: a new service scope and
/// a new function instance each time, as the worker does.
/// </summary>
internal sealed class TimerFunctionRunner(IServiceScopeFactory scopes, ILogger<TimerFunctionRunner> logger)
{
    /// <returns><see langword="true"/> if the function completed; a failure has been logged.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the host is stopping).</exception>
    public async Task<bool> RunAsync(TimerFunction function, TimerInfo timerInfo, string reason, CancellationToken cancellationToken)
    {
        LocalHostLog.TimerRunning(logger, function.Name, reason);
        var stopwatch = Stopwatch.StartNew();
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await FunctionInvoker.InvokeAsync(function, scope.ServiceProvider,
                p => p.ParameterType == typeof(CancellationToken) ? cancellationToken : timerInfo);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // One failed run must not stop the schedule or the host, as in the real host.
            LocalHostLog.FunctionFailed(logger, function.Name, ex);
            return false;
        }

        LocalHostLog.TimerCompleted(logger, function.Name, stopwatch.ElapsedMilliseconds);
        return true;
    }
}
