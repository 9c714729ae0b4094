namespace Bkmark.Core.Errors;

/// <summary>
/// An expected failure, carried as a value (never thrown) and mapped to RFC 9457 problem+json in one place.
/// </summary>
/// <param name="Code">A stable code from <see cref="ErrorCodes"/>, which gives it its status and title.</param>
/// <param name="Detail">What went wrong, for a person; never a secret or an internal name.</param>
public sealed record Problem(string Code, string Detail)
{
    public int Status => ErrorCodes.StatusOf(Code);

    /// <summary>Field-named validation messages (400 <c>VALIDATION_FAILED</c>).</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>Sent as <c>Retry-After</c> (whole seconds, rounded up).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>For 403 <c>SCOPE_REQUIRED</c>: the scope the caller lacks (goes into the Bearer challenge).</summary>
    public string? RequiredScope { get; init; }

    /// <summary>Extra response headers, e.g. the <c>RateLimit-*</c> family.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>
    /// RFC 9457 §3.2 extension members, written beside the standard ones (camelCase names): what a client needs to
    /// act on the problem, e.g. the second-step methods of <c>TWO_FACTOR_REQUIRED</c>.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    public string Title => ErrorCodes.TitleOf(Code);
}
