using Bkmark.Core.Maintenance;

namespace Bkmark.Functions;

/// <summary>
/// The expiry sweep on its timer (<c>Sweep__Schedule</c>, every 15 minutes by default), and the one-off
/// backfill of the expiry index for data written before it existed (<c>Sweep__BackfillSchedule</c>, yearly;
/// an operator runs it by hand through <c>POST /admin/functions/BackfillExpiryIndex</c>).
/// </summary>
public sealed class SweepFunctions(ExpirySweeper sweeper, ExpiryBackfill backfill)
{
    [Function(nameof(SweepExpired))]
    public Task SweepExpired([TimerTrigger("%Sweep:Schedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweeper.RunAsync(cancellationToken);

    [Function(nameof(BackfillExpiryIndex))]
    public Task BackfillExpiryIndex([TimerTrigger("%Sweep:BackfillSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        backfill.RunAsync(cancellationToken);
}
