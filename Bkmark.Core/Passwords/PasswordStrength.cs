namespace Bkmark.Core.Passwords;

/// <summary>
/// zxcvbn's estimate of how guessable a password is (NuGet <c>zxcvbn-core</c>), given what an attacker would try
/// first for this person (their email address and name), with feedback a person can act on.
/// </summary>
/// <remarks>
/// zxcvbn-core 1.1.17 scores a password (0–4) and lists the patterns it matched, but has no feedback of its own; the
/// warning and suggestions here are Dropbox zxcvbn's (<c>feedback.coffee</c>), chosen from that same match sequence.
/// </remarks>
public sealed class PasswordStrength
{
    /// <summary>zxcvbn's "safely unguessable" band starts at 3 (≥ 10^10 guesses): the least a new password must reach.</summary>
    public const int MinimumScore = 3;

    // zxcvbn's cost grows faster than linearly with length (a 128-character password takes most of a second).
    // Beyond this many characters only the start is judged: a long password whose start is strong is strong.
    private const int MaxEvaluatedLength = 100;

    private const string ExtraSuggestion = "Add another word or two. Uncommon words are better.";

    // One instance: it loads its dictionaries once; evaluating reads them only.
    private readonly Zxcvbn.Zxcvbn zxcvbn = new();

    /// <summary>Scores <paramref name="password"/>; <paramref name="userInputs"/> (email, name) count as words an attacker knows.</summary>
    public PasswordVerdict Evaluate(string password, IEnumerable<string?> userInputs)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(userInputs);
        var evaluated = password.Length > MaxEvaluatedLength ? password[..MaxEvaluatedLength] : password;
        var result = zxcvbn.EvaluatePassword(evaluated, InputsOf(userInputs));
        var (warning, suggestions) = Feedback(result.Score, result.MatchSequence ?? []);
        return new PasswordVerdict(result.Score, result.Score >= MinimumScore, warning, suggestions);
    }

    /// <summary>The words of the email address and name as well as the whole values: "jane.doe@example.com" gives "jane", "doe", "example".</summary>
    private static List<string> InputsOf(IEnumerable<string?> userInputs)
    {
        var inputs = new List<string>();
        foreach (var input in userInputs.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i!.Trim().ToLowerInvariant()))
        {
            inputs.Add(input);
            inputs.AddRange(input.Split([' ', '@', '.', '-', '_', '+'], StringSplitOptions.RemoveEmptyEntries).Where(part => part.Length >= 3));
        }

        return inputs;
    }

    // feedback.coffee, get_feedback: no feedback for a good score; otherwise feedback on the longest match.
    private static (string? Warning, IReadOnlyList<string> Suggestions) Feedback(int score, IList<Zxcvbn.Match> sequence)
    {
        if (sequence.Count == 0)
        {
            return (null, ["Use a few words, avoid common phrases.", "No need for symbols, digits, or uppercase letters."]);
        }

        if (score >= MinimumScore)
        {
            return (null, []);
        }

        var longest = sequence.Aggregate((longest, match) => match.Token.Length > longest.Token.Length ? match : longest);
        var (warning, suggestions) = MatchFeedback(longest, sequence.Count == 1);
        return (warning, [ExtraSuggestion, .. suggestions]);
    }

    private static (string? Warning, IEnumerable<string> Suggestions) MatchFeedback(Zxcvbn.Match match, bool isSoleMatch) => match switch
    {
        Zxcvbn.Matcher.DictionaryMatch dictionary => DictionaryFeedback(dictionary, isSoleMatch),
        Zxcvbn.Matcher.SpatialMatch spatial => (
            spatial.Turns == 1 ? "Straight rows of keys are easy to guess." : "Short keyboard patterns are easy to guess.",
            ["Use a longer keyboard pattern with more turns."]),
        Zxcvbn.Matcher.RepeatMatch repeat => (
            "Repeats like \"aaa\" are easy to guess.", ["Avoid repeated words and characters."]),
        Zxcvbn.Matcher.SequenceMatch => ("Sequences like abc or 6543 are easy to guess.", ["Avoid sequences."]),
        Zxcvbn.Matcher.DateMatch => ("Dates are often easy to guess.", ["Avoid dates and years that are associated with you."]),
        { Pattern: "year" } => ("Recent years are easy to guess.", ["Avoid recent years.", "Avoid years that are associated with you."]),
        _ => (null, []),
    };

    private static (string? Warning, IEnumerable<string> Suggestions) DictionaryFeedback(Zxcvbn.Matcher.DictionaryMatch match, bool isSoleMatch)
    {
        var l33t = match is Zxcvbn.Matcher.L33tDictionaryMatch;
        var warning = match.DictionaryName switch
        {
            "passwords" when isSoleMatch && !l33t => match.Rank <= 10 ? "This is a top-10 common password."
                : match.Rank <= 100 ? "This is a top-100 common password." : "This is a very common password.",
            "passwords" => "This is similar to a commonly used password.",
            "english" when isSoleMatch => "A word by itself is easy to guess.",
            "surnames" or "male_names" or "female_names" => isSoleMatch
                ? "Names and surnames by themselves are easy to guess."
                : "Common names and surnames are easy to guess.",
            // Not in zxcvbn's feedback (it says nothing here): the person's own details are the first thing tried.
            "user_inputs" => "Your email address or name is easy to guess.",
            _ => null,
        };

        var suggestions = new List<string>();
        var word = match.Token;
        if (word.Length > 1 && char.IsUpper(word[0]) && !word.Skip(1).Any(char.IsUpper))
        {
            suggestions.Add("Capitalization doesn't help very much.");
        }
        else if (word.Any(char.IsLetter) && word.All(c => !char.IsLetter(c) || char.IsUpper(c)))
        {
            suggestions.Add("All-uppercase is almost as easy to guess as all-lowercase.");
        }

        if (l33t)
        {
            suggestions.Add("Predictable substitutions like '@' instead of 'a' don't help very much.");
        }

        return (warning, suggestions);
    }
}

/// <summary>zxcvbn's verdict: <see cref="Score"/> 0–4, whether it is enough for a new password, and what would make it stronger.</summary>
public sealed record PasswordVerdict(int Score, bool Acceptable, string? Warning, IReadOnlyList<string> Suggestions);
