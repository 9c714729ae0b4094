using System.Reflection;

namespace Bkmark.Tests.Infrastructure;

/// <summary>
/// Races, as DESIGN.md §6 asks for them: N copies of one operation started together behind a gate, as N clients
/// sending at the same moment would, and assertions on what they answered.
/// </summary>
public static class Race
{
    /// <summary>How many identical requests a race test sends unless it says otherwise.</summary>
    public const int Copies = 20;

    private static readonly HashSet<string> DocumentedCodes = typeof(ErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral && field.FieldType == typeof(string))
        .Select(field => (string)field.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Starts <paramref name="copies"/> runs of <paramref name="operation"/>, each on its own task waiting at one gate, then opens it.</summary>
    public static async Task<T[]> RunAsync<T>(Func<int, Task<T>> operation, int copies = Copies)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runs = Enumerable.Range(0, copies).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await operation(i);
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(runs);
    }

    /// <summary>
    /// Sends <paramref name="copies"/> identical requests at once and asserts the answers a client may rely on:
    /// none is a 5xx, and each is a success or a problem+json with a documented code (409 <c>CONFLICT</c> for a
    /// lost race).
    /// </summary>
    public static async Task<RacedAnswer[]> SendAsync(Func<Task<HttpResponseMessage>> send, int copies = Copies)
    {
        ArgumentNullException.ThrowIfNull(send);
        var answers = await RunAsync(async _ =>
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            var code = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                ? JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()
                : null;
            return new RacedAnswer(response.StatusCode, code, body);
        }, copies);

        foreach (var answer in answers)
        {
            Assert.True((int)answer.Status < 500, $"A raced request answered {answer}");
            Assert.True(answer.Succeeded || (answer.Code is not null && DocumentedCodes.Contains(answer.Code)), $"A raced request answered {answer}");
        }

        return answers;
    }

    /// <summary>Asserts that every answer is a success or one of <paramref name="codes"/>.</summary>
    public static void AssertEachSucceededOr(this IEnumerable<RacedAnswer> answers, params string[] codes)
    {
        foreach (var answer in answers)
        {
            Assert.True(answer.Succeeded || codes.Contains(answer.Code), $"Expected a success or one of {string.Join(", ", codes)}; got {answer}");
        }
    }
}

/// <summary>One answer of a race: its status, its problem code (if it is a problem) and its body.</summary>
public sealed record RacedAnswer(HttpStatusCode Status, string? Code, string Body)
{
    public bool Succeeded => (int)Status is >= 200 and < 300;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public override string ToString() => $"{(int)Status} {Code} {Body}";
}
