using Bkmark.Core.Accounts;
using Bkmark.Core.Json;
using Bkmark.Core.Throttling;

namespace Bkmark.Core.Lifecycle;

/// <summary>
/// The lifecycle's emailed links as <see cref="SingleUseTokens"/> purposes: <c>bkl_</c> + 256 random bits, throttled
/// per client address (<see cref="LifecycleOptions.LinkMaxFailures"/> links that match nothing lock the address out).
/// A link that cannot be used answers 401 <c>INVALID_TOKEN</c> (one answer for unknown, used, void or another
/// purpose's, so none tells which), or 401 <c>TOKEN_EXPIRED</c> with its expiry.
/// </summary>
internal sealed class LifecycleTokens(SingleUseTokens tokens, LifecycleEmails emails, IOptions<LifecycleOptions> options)
{
    public static readonly TokenTable<LifecycleTokenEntity> Table = new(TableNames.LifecycleTokens, LifecycleTokenExpiryHandler.KindName);

    private static readonly OpaqueTokenFormat Format = new("bkl_");

    private static readonly Problem UnusableLink = Problems.InvalidToken("This link is not valid or was already used. Ask for a new one.");

    private static readonly TokenAnswers Answers = new(
        Missing: Problems.Validation("token", "The token from the link is required."),
        Malformed: null,
        Unknown: UnusableLink,
        Used: UnusableLink,
        Expired: expiredAt => Problems.TokenExpired($"This link expired at {BkmarkJson.FormatTime(expiredAt)}. Ask for a new one."),
        Void: UnusableLink);

    private readonly Dictionary<string, TokenPurpose<LifecycleTokenEntity>> tokenPurposes = LinkPurpose.All.ToDictionary(
        link => link.Name,
        link => new TokenPurpose<LifecycleTokenEntity>(
            link.Name,
            Table,
            Format,
            link.Lifetime(options.Value),
            new ThrottlePolicy("lifecycle-link", options.Value.LinkMaxFailures, options.Value.LinkLockout, options.Value.LinkLockout),
            Answers));

    /// <summary>
    /// Issues a token for <paramref name="purpose"/> and emails its link to <paramref name="email"/>: every lifecycle link
    /// goes out this way, in the words of the purpose's template or of <paramref name="template"/> (a reset link sent
    /// because someone tried to register the address).
    /// </summary>
    public async Task SendLinkAsync(
        LinkPurpose purpose, LinkHolder holder, string email, string? previousEmail, CancellationToken cancellationToken, string? template = null)
    {
        var token = await IssueAsync(purpose, holder, email, previousEmail, cancellationToken);
        await emails.SendLinkAsync(template ?? purpose.Template, email, purpose.PageAction, token, cancellationToken);
    }

    /// <summary>
    /// Sends a link as <see cref="SendLinkAsync"/> does, then voids every earlier outstanding link of its purpose: only the
    /// latest one asked for may complete (DESIGN.md §14, a change of email). Voided after the new one is stored, so of two
    /// concurrent requests none leaves an earlier link alive (at worst both void each other, and the person asks again).
    /// </summary>
    public async Task SendOnlyLinkAsync(LinkPurpose purpose, LinkHolder holder, string email, string? previousEmail, CancellationToken cancellationToken)
    {
        var issued = NewToken(holder, email, previousEmail);
        var raw = await tokens.IssueAsync(tokenPurposes[purpose.Name], issued, cancellationToken);
        foreach (var earlier in await tokens.ListOutstandingAsync(holder.UserId, [tokenPurposes[purpose.Name]], cancellationToken))
        {
            if (earlier.RowKey != issued.RowKey)
            {
                await tokens.TryVoidAsync(tokenPurposes[purpose.Name], earlier, cancellationToken);
            }
        }

        await emails.SendLinkAsync(purpose.Template, email, purpose.PageAction, raw, cancellationToken);
    }

    /// <summary>Stores a new token for <paramref name="purpose"/>, valid for its lifetime, and returns it raw (for the email only).</summary>
    public Task<string> IssueAsync(LinkPurpose purpose, LinkHolder holder, string email, string? previousEmail, CancellationToken cancellationToken) =>
        tokens.IssueAsync(tokenPurposes[purpose.Name], NewToken(holder, email, previousEmail), cancellationToken);

    /// <summary>The live, unused token of <paramref name="purpose"/> that <paramref name="raw"/> names, throttled per client address.</summary>
    public Task<Result<LifecycleTokenEntity>> FindUsableAsync(string? raw, LinkPurpose purpose, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return tokens.FindAsync(tokenPurposes[purpose.Name], raw, SubjectOf(client), cancellationToken);
    }

    /// <summary>Finds the usable token <paramref name="raw"/> names and spends it at once, for a link with nothing to check in between.</summary>
    public Task<Result<LifecycleTokenEntity>> SpendAsync(string? raw, LinkPurpose purpose, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return tokens.SpendAsync(tokenPurposes[purpose.Name], raw, SubjectOf(client), cancellationToken);
    }

    /// <summary>Spends the token; of concurrent uses of one link (or a use and a void) exactly one gets true.</summary>
    public Task<bool> TrySpendAsync(LifecycleTokenEntity token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        return tokens.TrySpendAsync(tokenPurposes[token.Purpose], token, cancellationToken);
    }

    /// <summary>
    /// Voids every outstanding link of <paramref name="purposes"/> sent for <paramref name="userId"/>'s account
    /// (DESIGN.md §14: a reset or a change of password ends the account's other links); a voided link answers as a used one.
    /// </summary>
    /// <returns>How many links were voided.</returns>
    public Task<int> VoidAsync(string userId, IEnumerable<LinkPurpose> purposes, CancellationToken cancellationToken) =>
        tokens.VoidAllAsync(userId, [.. purposes.Select(purpose => tokenPurposes[purpose.Name])], cancellationToken);

    /// <summary>The answer for a link that is unknown, spent, void or for something else: one answer, so none tells which.</summary>
    public static Problem Unusable() => UnusableLink;

    private static LifecycleTokenEntity NewToken(LinkHolder holder, string email, string? previousEmail)
    {
        ArgumentNullException.ThrowIfNull(holder);
        return new LifecycleTokenEntity { UserId = holder.UserId, SecurityStamp = holder.SecurityStamp, Email = email, PreviousEmail = previousEmail };
    }

    private static string SubjectOf(ClientInfo client) => client.IpAddress ?? "unknown";
}

/// <summary>Whose link it is, and their security stamp when it was sent; <see cref="Nobody"/> for an address no account has.</summary>
internal sealed record LinkHolder(string UserId, string SecurityStamp)
{
    public static LinkHolder Nobody { get; } = new("", "");

    public static LinkHolder Of(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.Id, account.SecurityStamp);
    }
}
