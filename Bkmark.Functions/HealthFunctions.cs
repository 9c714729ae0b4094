using Bkmark.Core.Health;

namespace Bkmark.Functions;

/// <summary>
/// <c>GET /api/health</c> (DESIGN §18), anonymous, for a load balancer or App Service's health check: 200 when tables,
/// queues and secrets answer, else 503 with the failing part named in <c>checks</c>.
/// </summary>
public sealed class HealthFunctions(ServiceHealth health)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync().WaitAsync(cancellationToken);
        var response = new JsonResponse(report.Healthy ? 200 : 503, new { status = report.Status, checks = report.Checks });
        return report.Healthy
            ? response
            : response.WithHeader("Retry-After", ((int)ServiceHealth.CacheFor.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
