namespace Bkmark.Core.Maintenance;

/// <summary>
/// What the timer sweep clears by age instead of through the expiry index: a store whose items carry their own
/// time and are written by something that cannot index them (a poison queue, filled by the Functions host).
/// Registered with <see cref="MaintenanceServiceCollectionExtensions.AddRetentionSweep{TSweep}"/>; every run of
/// <see cref="ExpirySweeper"/> calls each one after the index.
/// </summary>
public interface IRetentionSweep
{
    /// <summary>The name the sweep's report and log count its deletions under.</summary>
    string Kind { get; }

    /// <returns>How many items were deleted.</returns>
    Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
