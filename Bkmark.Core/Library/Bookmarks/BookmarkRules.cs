namespace Bkmark.Core.Library.Bookmarks;

/// <summary>The validated, normalised content of a bookmark.</summary>
public sealed record BookmarkFields(string Url, string Title, string Notes, IReadOnlyList<string> Tags);

/// <summary>What a bookmark may hold, and how tags are normalised. Shared by the API, import and tag edits.</summary>
public static class BookmarkRules
{
    public const int MaxUrlLength = 2048;
    public const int MaxTitleLength = 500;
    public const int MaxNotesLength = 10_000;
    public const int MaxTagLength = 50;
    public const int MaxTagsPerBookmark = 50;

    /// <summary>Validates and normalises everything a bookmark holds; a missing title becomes the URL.</summary>
    public static Result<BookmarkFields> Validate(string? url, string? title, string? notes, IEnumerable<string?>? tags)
    {
        var errors = new FieldErrors();
        if (!TryValidateUrl(url, out var normalizedUrl, out var urlError))
        {
            errors.Add("url", urlError);
        }

        var normalizedTitle = string.IsNullOrWhiteSpace(title) ? normalizedUrl : title.Trim();
        if (ValidateTitle(normalizedTitle) is { } titleError)
        {
            errors.Add("title", titleError);
        }

        var normalizedNotes = notes ?? "";
        if (ValidateNotes(normalizedNotes) is { } notesError)
        {
            errors.Add("notes", notesError);
        }

        if (!TryNormalizeTags(tags, out var normalizedTags, out var tagsError))
        {
            errors.Add("tags", tagsError);
        }

        return errors.Problem is { } invalid ? invalid
            : new BookmarkFields(normalizedUrl, normalizedTitle, normalizedNotes, normalizedTags);
    }

    /// <summary>An absolute http(s) URL of at most 2048 characters, trimmed; otherwise the reason.</summary>
    public static bool TryValidateUrl(string? url, out string normalized, out string error)
    {
        normalized = url?.Trim() ?? "";
        error = "";
        if (normalized.Length == 0)
        {
            error = "A URL is required.";
        }
        else if (normalized.Length > MaxUrlLength)
        {
            error = $"The URL must be at most {MaxUrlLength} characters.";
        }
        else if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            error = "The URL must be an absolute http or https URL.";
        }

        return error.Length == 0;
    }

    /// <summary>The form URLs are compared in ("HTTPS://Example.com" and "https://example.com/" are one bookmark).</summary>
    public static string CanonicalUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsoluteUri : url;

    public static string? ValidateTitle(string title) =>
        title.Length > MaxTitleLength ? $"The title must be at most {MaxTitleLength} characters." : null;

    public static string? ValidateNotes(string notes) =>
        notes.Length > MaxNotesLength ? $"The notes must be at most {MaxNotesLength} characters." : null;

    /// <summary>Trims, lower-cases and de-duplicates (first occurrence wins); empty entries are dropped.</summary>
    public static bool TryNormalizeTags(IEnumerable<string?>? tags, out IReadOnlyList<string> normalized, out string error)
    {
        var result = new List<string>();
        error = "";
        foreach (var raw in tags ?? [])
        {
            var tag = raw is null ? null : NormalizeTag(raw);
            if (tag is null)
            {
                error = raw is null ? "A tag cannot be null." : $"Tags must be 1 to {MaxTagLength} characters without commas or control characters ('{Shorten(raw)}').";
                break;
            }

            if (!result.Contains(tag, StringComparer.Ordinal))
            {
                result.Add(tag);
            }
        }

        if (error.Length == 0 && result.Count > MaxTagsPerBookmark)
        {
            error = $"A bookmark can have at most {MaxTagsPerBookmark} tags.";
        }

        normalized = result;
        return error.Length == 0;
    }

    /// <summary>The normalised tag, or null when it cannot be one (empty, too long, comma, control character).</summary>
    public static string? NormalizeTag(string tag)
    {
        var normalized = tag.Trim().ToLowerInvariant();
        return normalized.Length is 0 or > MaxTagLength || normalized.Any(c => c == ',' || char.IsControl(c)) ? null : normalized;
    }

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";
}
