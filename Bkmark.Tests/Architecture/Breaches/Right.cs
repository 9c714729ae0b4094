using Bkmark.Tests.Architecture.Breaches.Left;

namespace Bkmark.Tests.Architecture.Breaches.Right;

/// <summary>Names Left's store (a) and closes the cycle with Left (b).</summary>
internal sealed class RightService
{
    public string Describe(LeakyStore store) => store.ToString();
}
