using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Organisations;

/// <summary>Settings: <c>Organisations__MaxMembers</c>, <c>Organisations__InvitationLifetime</c>.</summary>
public sealed class OrganisationOptions
{
    public const string Section = "Organisations";

    /// <summary>Bounds the roster, which lives in one row (an entity holds at most 1 MiB).</summary>
    [Range(1, 1000)]
    public int MaxMembers { get; set; } = 500;

    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);
}
