using System.Text.RegularExpressions;

namespace Bkmark.LocalHost;

/// <summary>
/// Resolves <c>%Setting%</c> names in a trigger's attribute (a timer's schedule, a queue's name) from
/// configuration, as the Functions host's name resolver does.
/// </summary>
internal static partial class SettingReferences
{
    /// <param name="what">What the value is, for the message: <c>schedule</c>, <c>queue</c>.</param>
    /// <exception cref="InvalidOperationException">A named setting is not configured.</exception>
    public static string Resolve(string functionName, string what, string value, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(configuration);

        return SettingName().Replace(value, match =>
        {
            // "Sweep__Schedule" and "Sweep:Schedule" name the same setting, as everywhere in configuration.
            string name = match.Groups[1].Value.Replace("__", ":", StringComparison.Ordinal);
            string? setting = configuration[name];
            return string.IsNullOrWhiteSpace(setting)
                ? throw new InvalidOperationException(
                    $"Function '{functionName}' has {what} '{value}', but setting '{name}' is not configured " +
                    $"(set '{name}' in configuration or the environment variable '{name.Replace(":", "__", StringComparison.Ordinal)}').")
                : setting.Trim();
        });
    }

    [GeneratedRegex("%([^%]+)%", RegexOptions.CultureInvariant)]
    private static partial Regex SettingName();
}
