using System.Buffers.Text;

namespace Bkmark.Core.Shared;

/// <summary>
/// The paging parameters of every list: <c>limit</c> 1–100 (default 50) and an opaque <c>cursor</c>.
/// A cursor is base64url text the client hands back unchanged; what it holds (a RowKey, an offset) is ours.
/// </summary>
public static class PageCursor
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    public static Result<int> ParseLimit(string? limit)
    {
        if (string.IsNullOrEmpty(limit))
        {
            return DefaultLimit;
        }

        return int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxLimit
            ? value
            : Problems.Validation("limit", $"The limit must be a whole number from 1 to {MaxLimit}.");
    }

    public static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));

    /// <summary>The position inside a cursor, if it decodes and <paramref name="isValid"/> accepts it.</summary>
    public static Result<string?> Decode(string? cursor, Func<string, bool> isValid)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return (string?)null;
        }

        try
        {
            var position = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (isValid(position))
            {
                return position;
            }
        }
        catch (FormatException)
        {
            // Falls through to the same answer as a well-formed but foreign cursor.
        }

        return Problems.Validation("cursor", "The cursor is not valid; pass the nextCursor of the previous page unchanged.");
    }
}
