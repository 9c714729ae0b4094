using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Maintenance;

/// <summary>
/// The expiry sweep. Settings: <c>Sweep__ItemBudget</c>, <c>Sweep__BucketSize</c>, <c>Sweep__Parallelism</c>.
/// (<c>Sweep__Schedule</c> and <c>Sweep__BackfillSchedule</c> are read by the Functions host, not here.)
/// </summary>
public sealed class SweepOptions : IValidatableObject
{
    public const string Section = "Sweep";

    /// <summary>
    /// At most this many index entries are handled per run, so one run stays well inside the Functions
    /// timeout; what is left is the next run's. Each entry costs a few storage calls.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ItemBudget { get; set; } = 5_000;

    /// <summary>
    /// The width of one expiry-index partition. A thing is deleted in the first run after the bucket
    /// holding its deadline has closed, so with the default schedule (every 15 minutes) it goes 15–30
    /// minutes after it became deletable. Whole minutes dividing a day; safe to change at any time.
    /// </summary>
    public TimeSpan BucketSize { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How many index entries are handled at once.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 8;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var minutes = BucketSize.TotalMinutes;
        if (BucketSize < TimeSpan.FromMinutes(1) || BucketSize > TimeSpan.FromDays(1)
            || minutes != Math.Floor(minutes) || TimeSpan.FromDays(1).Ticks % BucketSize.Ticks != 0)
        {
            yield return new ValidationResult("Sweep:BucketSize must be whole minutes that divide a day (e.g. 00:15:00).", [nameof(BucketSize)]);
        }
    }
}
