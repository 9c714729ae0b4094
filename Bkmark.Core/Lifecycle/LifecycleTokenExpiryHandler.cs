namespace Bkmark.Core.Lifecycle;

/// <summary>Sweeps link tokens once they expire, used or not (see <see cref="SingleUseTokenExpiryHandler{T}"/>).</summary>
internal sealed class LifecycleTokenExpiryHandler(SingleUseTokenStore store)
    : SingleUseTokenExpiryHandler<LifecycleTokenEntity>(store, LifecycleTokens.Table)
{
    public const string KindName = "lifecycle-token";
}
