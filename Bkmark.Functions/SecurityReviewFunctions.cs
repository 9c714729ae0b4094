using Bkmark.Core.SecurityReview;

namespace Bkmark.Functions;

/// <summary>What was added to the account in the last 30 days and is still there (DESIGN.md §14). Session only.</summary>
public sealed class SecurityReviewFunctions(SecurityReviewService review, PolicyAuthenticator routes)
{
    [Function(nameof(GetSecurityReview))]
    public Task<IActionResult> GetSecurityReview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/me/security-review")] HttpRequest request,
        CancellationToken cancellationToken) => ApiEndpoint.RunAsync(
        () => routes.AuthenticateRouteAsync(request, cancellationToken),
        async caller => ApiResults.Ok(await review.ReviewAsync(caller, cancellationToken)),
        cancellationToken);
}
