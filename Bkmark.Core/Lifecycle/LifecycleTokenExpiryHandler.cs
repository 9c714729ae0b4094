namespace Bkmark.Core.Lifecycle;

/// <summary>Sweeps link tokens once they expire, used or not (see <see cref="SingleUseTokenExpiryHandler{T}"/>).</summary>
internal sealed class LifecycleTokenExpiryHandler(SingleUseTokens tokens)
    : SingleUseTokenExpiryHandler<LifecycleTokenEntity>(tokens, LifecycleTokens.Table)
{
    public const string KindName = "lifecycle-token";
}
