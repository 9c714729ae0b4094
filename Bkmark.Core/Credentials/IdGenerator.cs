using System.Security.Cryptography;

namespace Bkmark.Core.Credentials;

/// <summary>New ULIDs (26 chars, time-ordered), with the clock from <see cref="TimeProvider"/> and randomness from the CSPRNG.</summary>
public sealed class IdGenerator(TimeProvider time)
{
    public string NewId()
    {
        Span<byte> randomness = stackalloc byte[10];
        RandomNumberGenerator.Fill(randomness);
        return Ulid.NewUlid(time.GetUtcNow(), randomness).ToString();
    }

    public static bool IsValid(string? id) => id is { Length: 26 } && Ulid.TryParse(id, out _);
}
