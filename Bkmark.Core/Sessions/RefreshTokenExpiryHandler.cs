using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Sessions;

/// <summary>
/// Sweeps refresh credentials once they expire. Each is scheduled when written (rotated ones stay until
/// then so that a replay is recognised); expiry is fixed at issue, so the entry is never re-scheduled.
/// </summary>
internal sealed class RefreshTokenExpiryHandler(SessionStore store)
    : FixedExpiryHandler<RefreshTokenEntity>(store.SweepableRefreshTokens, KindName)
{
    public const string KindName = "refresh";
}
