using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bkmark.Functions.Http;

/// <summary>
/// The answer to a bug: 500 <c>INTERNAL_ERROR</c> as problem+json with a trace id and nothing from the
/// exception (DESIGN.md §2). The exception is logged under the same trace id, so an operator can find
/// what a client reports.
/// </summary>
/// <remarks>
/// Logged when the response is written, because only then is the request's service provider at hand: the
/// functions take no logger, and both hosts execute this result the same way.
/// </remarks>
internal sealed partial class InternalErrorResponse(Exception exception) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var httpContext = context.HttpContext;
        // As ASP.NET Core's own ProblemDetails: the W3C trace when there is one, else the request's id.
        string traceId = Activity.Current?.Id ?? httpContext.TraceIdentifier;
        var logger = httpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<InternalErrorResponse>();
        FunctionFailed(logger, httpContext.Request.Path, traceId, exception);

        int status = ErrorCodes.StatusOf(ErrorCodes.InternalError);
        var body = new { status, code = ErrorCodes.InternalError, title = ErrorCodes.TitleOf(ErrorCodes.InternalError), traceId };
        await new JsonResponse(status, body, "application/problem+json").ExecuteResultAsync(context);
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Error, Message = "Request {Path} failed; answered 500 INTERNAL_ERROR with trace id {TraceId}")]
    private static partial void FunctionFailed(ILogger logger, string path, string traceId, Exception exception);
}
