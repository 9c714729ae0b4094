using System.Buffers.Binary;

namespace Bkmark.Core.Storage;

/// <summary>
/// Which storage account an entity lives in (DESIGN.md §19): a fixed table of slot ranges over a hash of its
/// partition key. The slot is the first two bytes (big-endian) of SHA-256 over the key's UTF-8, 0 to 65,535; with
/// N accounts, account i owns slots [i·65536/N, (i+1)·65536/N). One account owns everything without hashing.
/// </summary>
/// <remarks>
/// By partition key because that is already how every entity is found: a credential by the hash of its public prefix, a
/// user's data by the user id. So the account follows from what a request holds, with no lookup (a verify stays one
/// point read), and an entity group transaction, which never leaves its partition, never leaves its account. The table
/// is fixed by N: changing N once data is written moves slots between accounts, which needs a migration (docs/scale.md).
/// </remarks>
public sealed class RangeTable
{
    /// <summary>How many slots the hash spreads keys over.</summary>
    public const int Slots = 1 << 16;

    public RangeTable(int accounts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(accounts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(accounts, Slots);
        Accounts = accounts;
    }

    public int Accounts { get; }

    /// <summary>The account <paramref name="partitionKey"/>'s entities live in.</summary>
    public int AccountOf(string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        // Today's deployments: nothing to decide, so nothing is hashed.
        return Accounts == 1 ? 0 : AccountOfSlot(SlotOf(partitionKey));
    }

    /// <summary>The slot of <paramref name="partitionKey"/>: the first two bytes of SHA-256 over its UTF-8, big-endian.</summary>
    public static int SlotOf(string partitionKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(partitionKey), digest);
        return BinaryPrimitives.ReadUInt16BigEndian(digest);
    }

    /// <summary>The first slot account <paramref name="account"/> owns; the next account's first slot ends its range.</summary>
    public int FirstSlotOf(int account)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(account);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(account, Accounts);
        return (int)((long)account * Slots / Accounts);
    }

    /// <summary>The account whose range holds <paramref name="slot"/>: the last i with FirstSlotOf(i) ≤ slot.</summary>
    public int AccountOfSlot(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, Slots);
        // floor(i·S/N) ≤ slot ⇔ i·S < (slot+1)·N, so the last such i is ((slot+1)·N − 1) / S.
        return (int)((((long)slot + 1) * Accounts - 1) / Slots);
    }
}
