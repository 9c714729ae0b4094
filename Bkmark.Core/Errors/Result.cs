using System.Diagnostics.CodeAnalysis;

namespace Bkmark.Core.Errors;

/// <summary>Either a value or a <see cref="Problem"/>. Expected failures travel as results, not exceptions.</summary>
public readonly struct Result<T>
{
    private Result(T? value, Problem? problem)
    {
        Value = value;
        Problem = problem;
    }

    public T? Value { get; }

    public Problem? Problem { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Problem problem) => new(default, problem ?? throw new ArgumentNullException(nameof(problem)));
}
