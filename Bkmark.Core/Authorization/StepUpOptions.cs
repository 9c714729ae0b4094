using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Authorization;

/// <summary>How recent a sign-in sensitive actions need. Setting: <c>StepUp__MaxAge</c>.</summary>
public sealed class StepUpOptions
{
    public const string Section = "StepUp";

    /// <summary>A proof older than this (the access token's <c>auth_time</c>) must be renewed through <c>POST /auth/reauthenticate</c>.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(10);
}
