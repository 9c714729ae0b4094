using Bkmark.Core.Throttling;

namespace Bkmark.Core.Credentials;

/// <summary>Where one family of single-use tokens is kept: a table of <typeparamref name="T"/>, and the sweep's kind for its rows.</summary>
internal sealed record TokenTable<T>(string Name, string ExpiryKind)
    where T : SingleUseToken;

/// <summary>
/// What a single-use token is for, written once for all its uses (CONVENTIONS.md "One mechanism per concern"): its
/// format, where it is kept, how long it works, the throttle its guesses count in, and what a presented token that
/// cannot be used answers.
/// </summary>
internal sealed record TokenPurpose<T>(
    string Name,
    TokenTable<T> Table,
    ISecretFormat Format,
    TimeSpan Lifetime,
    ThrottlePolicy Guesses,
    TokenAnswers Answers)
    where T : SingleUseToken;

/// <summary>
/// What a presented token of one purpose answers when it cannot be used. Each route keeps its documented answer;
/// only <see cref="Unknown"/> is a guess (DESIGN.md §14: a link throttle counts guesses only).
/// </summary>
/// <param name="Missing">No token at all: a 400 naming the field, before the throttle.</param>
/// <param name="Malformed">Not of the purpose's format: answered before the throttle when set; when null it is a guess, answered <paramref name="Unknown"/>.</param>
/// <param name="Unknown">Matches no token of this purpose: a guess, counted.</param>
/// <param name="Used">Spent, or spent by a concurrent use first: a real token, not counted.</param>
/// <param name="Expired">Past its lifetime (given the expiry): not counted.</param>
/// <param name="Void">Voided (a recovery ended it): not counted.</param>
internal sealed record TokenAnswers(
    Problem Missing,
    Problem? Malformed,
    Problem Unknown,
    Problem Used,
    Func<DateTimeOffset, Problem> Expired,
    Problem Void);
