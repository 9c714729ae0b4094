using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Credentials;

/// <summary>
/// Sweeps a family's tokens once they expire, used or not (keeping a spent one until then lets a second use be
/// answered as spent), and each token's holder entry with it. Their expiry is fixed, so an entry is never
/// re-scheduled; a spend written at the very end of a token's life makes the delete read it again and decide anew.
/// A family registers a one-line subclass naming its <see cref="TokenTable{T}"/>; it reaches the tokens' tables
/// through <see cref="SingleUseTokens"/>, so no other room names the token store.
/// </summary>
internal abstract class SingleUseTokenExpiryHandler<T>(SingleUseTokens tokens, TokenTable<T> table)
    : FixedExpiryHandler<T>(tokens.Sweepable(table), table.ExpiryKind)
    where T : SingleUseToken
{
    protected override async Task<int> DeleteDependentsAsync(T entity, CancellationToken cancellationToken) =>
        await tokens.DeleteHolderEntryAsync(table, entity, cancellationToken) ? 1 : 0;
}
