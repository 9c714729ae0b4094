using System.Runtime.CompilerServices;
using Bkmark.Core.Accounts;
using Bkmark.Core.Library.Bookmarks;
using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Lifecycle;

/// <summary>
/// Erases a deleted account in the background: its library, a bounded batch per sweep run (a library can hold
/// 100,000 bookmarks), then the account's row. Sessions and keys were revoked when it was deleted and go with
/// their own expiry; the security log stays for the operator until its retention ends.
/// </summary>
internal sealed class AccountEraseHandler(AccountService accounts, BookmarkService library, TimeProvider time, IOptions<LifecycleOptions> options)
    : IExpiryHandler
{
    public const string KindName = "account-erase";

    public string Kind => KindName;

    public async Task<ExpiryOutcome> ExpireAsync(ExpiryTarget target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var deleted = await accounts.FindDeletedAsync(target.PartitionKey, cancellationToken);
        if (deleted is null)
        {
            return ExpiryOutcome.Nothing;
        }

        if (!await library.EraseLibraryAsync(deleted.Id, options.Value.EraseBatchSize, cancellationToken))
        {
            // More is left: the next run goes on from where this one stopped (nothing erased is read again).
            return new ExpiryOutcome.Later(time.GetUtcNow());
        }

        return ExpiryOutcome.Of(await accounts.EraseAsync(deleted, cancellationToken));
    }

    public async IAsyncEnumerable<ScheduledExpiry> ScanAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var user in accounts.ScanDeletedAsync(cancellationToken))
        {
            yield return new ScheduledExpiry(new ExpiryTarget(KindName, user.Id, Account.ProfileRowKey), user.DeletedAt!.Value);
        }
    }
}
