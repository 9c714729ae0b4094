namespace Bkmark.Core.Errors;

/// <summary>
/// The field errors of one request, gathered so that 400 <c>VALIDATION_FAILED</c> names every bad field at once
/// (DESIGN.md §2), and the house's shared field rules.
/// </summary>
/// <example>
/// <code>
/// var errors = new FieldErrors();
/// var name = errors.Name("name", request.Name);
/// errors.Require("password", request.Password, "The password is required.");
/// if (errors.Problem is { } invalid) return invalid;
/// </code>
/// </example>
public sealed class FieldErrors
{
    /// <summary>The longest name of anything a user names (a key, a group, an organisation): one rule for all.</summary>
    public const int MaxNameLength = 100;

    private readonly Dictionary<string, string[]> errors = new(StringComparer.Ordinal);

    /// <summary>The 400 naming every field added; null when there is none.</summary>
    public Problem? Problem => errors.Count > 0 ? Problems.Validation(new Dictionary<string, string[]>(errors)) : null;

    /// <summary>Records <paramref name="message"/> for <paramref name="field"/> (the last message for a field wins).</summary>
    public void Add(string field, string message) => errors[field] = [message];

    /// <summary>Records <paramref name="message"/> for <paramref name="field"/> when <paramref name="value"/> is null or empty.</summary>
    public void Require(string field, string? value, string message)
    {
        if (string.IsNullOrEmpty(value))
        {
            Add(field, message);
        }
    }

    /// <summary>
    /// A name, trimmed, of 1 to <see cref="MaxNameLength"/> characters. Null (and an error) when it is not one; null
    /// without an error when it is absent and not <paramref name="required"/> (a change that leaves it as it is).
    /// </summary>
    public string? Name(string field, string? value, bool required = true)
    {
        var trimmed = value?.Trim();
        if (trimmed is null && !required)
        {
            return null;
        }

        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength)
        {
            Add(field, $"The name must be 1 to {MaxNameLength} characters.");
            return null;
        }

        return trimmed;
    }
}
