namespace Bkmark.Core.ApiKeys;

/// <summary>
/// API keys: live keys are <c>bk_</c> + 32 lower-case hex characters, test keys <c>bk_test_</c> + 32 (16 bytes
/// from the CSPRNG either way; the format is <see cref="HexSecretFormat"/>'s). The two never parse as each other:
/// a live key's 32 characters after <c>bk_</c> are hex and <c>t</c> is not, and the lengths differ.
/// </summary>
public static class ApiKeyFormat
{
    public const string Prefix = "bk_";
    public const string TestPrefix = "bk_test_";
    private const int RandomBytes = 16;

    private static readonly HexSecretFormat Live = new(Prefix, RandomBytes);
    private static readonly HexSecretFormat Test = new(TestPrefix, RandomBytes);

    /// <summary>The non-secret part of a live key shown in lists and logs, and hashed into the credential's partition.</summary>
    public const int KeyPrefixLength = 11;

    /// <summary>A test key's <c>keyPrefix</c>: <c>bk_test_</c> and 8 hex, as many random characters as a live key's.</summary>
    public const int TestKeyPrefixLength = 16;

    /// <summary>A new live key.</summary>
    public static string Generate() => Generate(KeyEnvironment.Live);

    /// <summary>A new key of <paramref name="environment"/> (<see cref="KeyEnvironment"/>).</summary>
    public static string Generate(string environment) => environment switch
    {
        KeyEnvironment.Live => Live.Generate(),
        KeyEnvironment.Test => Test.Generate(),
        _ => throw new ArgumentOutOfRangeException(nameof(environment), environment, "Not a key environment."),
    };

    /// <summary>A live or a test key, exactly; <paramref name="environment"/> says which.</summary>
    public static bool TryParse(string? key, out string environment)
    {
        environment = Test.IsWellFormed(key) ? KeyEnvironment.Test
            : Live.IsWellFormed(key) ? KeyEnvironment.Live
            : "";
        return environment.Length > 0;
    }

    public static bool IsWellFormed(string? key) => TryParse(key, out _);

    /// <summary>
    /// The first 11 characters of a live key (e.g. <c>bk_a1b2c3d4</c>), the first 16 of a test key
    /// (<c>bk_test_a1b2c3d4</c>): the only part of a key that is ever stored or logged.
    /// </summary>
    public static string KeyPrefixOf(string key) =>
        key[..(key.StartsWith(TestPrefix, StringComparison.Ordinal) ? Test.PublicPrefixLength : Live.PublicPrefixLength)];
}
