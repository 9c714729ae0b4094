using System.ComponentModel.DataAnnotations;

namespace Bkmark.Core.Email;

/// <summary>Where people reach the service (<c>App__PublicUrl</c>): every link in an email points under it (DESIGN.md §9).</summary>
public sealed class AppOptions
{
    public const string Section = "App";

    /// <summary>The page's base URL, e.g. <c>https://bkmark.example</c>.</summary>
    [Required]
    public Uri PublicUrl { get; set; } = new("http://localhost:7071");

    /// <summary>Settings → Security, where a person reviews sessions, keys and events: the link every email ends with.</summary>
    public Uri SecurityPageUrl => new(PublicUrl.AbsoluteUri.TrimEnd('/') + "/api/settings/security");
}
