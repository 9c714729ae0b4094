namespace Bkmark.Core.Accounts;

/// <summary>A feature whose state follows the user's plan (API keys stop on the free plan).</summary>
public interface IPlanChangeHandler
{
    /// <summary>Brings the feature in line with <paramref name="plan"/>. Must be idempotent: it runs again on a retried plan change.</summary>
    Task ApplyPlanAsync(string userId, string plan, CancellationToken cancellationToken);
}
