namespace Bkmark.Core.Credentials;

/// <summary>New ULIDs (26 chars, time-ordered), with the clock from <see cref="TimeProvider"/> and randomness from the CSPRNG.</summary>
public sealed class IdGenerator(TimeProvider time)
{
    public string NewId() => NewId(time.GetUtcNow());

    /// <summary>An id that sorts as if created at <paramref name="timestamp"/> (imports keep their original dates); clamped to the Unix epoch.</summary>
    public string NewId(DateTimeOffset timestamp)
    {
        Span<byte> randomness = stackalloc byte[10];
        RandomNumberGenerator.Fill(randomness);
        return Ulid.NewUlid(timestamp < DateTimeOffset.UnixEpoch ? DateTimeOffset.UnixEpoch : timestamp, randomness).ToString();
    }

    public static bool IsValid(string? id) => id is { Length: 26 } && Ulid.TryParse(id, out _);
}
