using System.Collections.Concurrent;

namespace Bkmark.Core.ApiKeys;

/// <summary>
/// This instance's verifications per key, per UTC day and outcome (DESIGN §18), counted in memory so that verifying
/// a key writes nothing of its own. The counts reach storage with the rate limiter's lease writes (in the same
/// transaction, see <see cref="ApiKeyRateLimiter"/>), and from <see cref="ApiKeyUsageFlusher"/> for keys whose counts no
/// lease carried (a key refused at its fence never leases), on a timer and when the host stops.
/// </summary>
/// <remarks>
/// Each instance writes only its own rows (<see cref="KeyUsageEntity"/>, one per key, day and <see cref="InstanceId"/>)
/// holding its running totals for the day, so a write is an unconditional upsert that can race with nobody and a
/// repeated write is harmless; a reader adds up the instances' rows. Writes of one key are taken in turn, so an older
/// total never lands after a newer one.
/// </remarks>
internal sealed class ApiKeyUsageCounter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, KeyUsage> keys = new(StringComparer.Ordinal);

    /// <summary>This process's name in its usage rows: random, so two instances (or a restarted one) never write the same row.</summary>
    public string InstanceId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public void Count(string keyId, KeyVerificationOutcome outcome)
    {
        if (outcome == KeyVerificationOutcome.Invalid)
        {
            return;
        }

        var day = KeyUsageEntity.DayNumberOf(time.GetUtcNow());
        // A key retired between the lookup and the count is looked up again (it was just removed).
        while (!keys.GetOrAdd(keyId, static _ => new KeyUsage()).TryCount(day, outcome))
        {
        }
    }

    /// <summary>The keys with counts not yet written.</summary>
    public IEnumerable<string> KeysWithPendingCounts => keys.Where(entry => entry.Value.HasPending).Select(entry => entry.Key);

    /// <summary>
    /// The key's pending counts for a write that must not wait (the rate limiter's lease): null when none are pending
    /// or another write of them is under way (which carries them).
    /// </summary>
    public UsageWrite? TryBeginWrite(string keyId) =>
        keys.TryGetValue(keyId, out var usage) && usage.HasPending && usage.WriteTurn.Wait(0) ? UsageWrite.Of(this, keyId, usage) : null;

    /// <summary>The key's pending counts, once any write of them under way is done; null when none are pending.</summary>
    public async Task<UsageWrite?> BeginWriteAsync(string keyId, CancellationToken cancellationToken)
    {
        if (!keys.TryGetValue(keyId, out var usage) || !usage.HasPending)
        {
            return null;
        }

        await usage.WriteTurn.WaitAsync(cancellationToken);
        return UsageWrite.Of(this, keyId, usage);
    }

    /// <summary>Forgets days that are over and written, and keys with nothing left, so memory holds only keys in use.</summary>
    public void Prune()
    {
        var today = KeyUsageEntity.DayNumberOf(time.GetUtcNow());
        foreach (var entry in keys)
        {
            if (entry.Value.PruneBefore(today))
            {
                keys.TryRemove(entry);
            }
        }
    }

    /// <summary>A key's counts as they stood when its write turn began; <see cref="Written"/> once stored, disposed always.</summary>
    internal sealed class UsageWrite : IDisposable
    {
        private readonly KeyUsage usage;
        private readonly IReadOnlyList<(int Day, long Version)> versions;

        private UsageWrite(KeyUsage usage, IReadOnlyList<KeyUsageEntity> rows, IReadOnlyList<(int Day, long Version)> versions)
        {
            this.usage = usage;
            Rows = rows;
            this.versions = versions;
        }

        /// <summary>The rows to upsert: this instance's totals of each day with new counts.</summary>
        public IReadOnlyList<KeyUsageEntity> Rows { get; }

        public static UsageWrite? Of(ApiKeyUsageCounter counter, string keyId, KeyUsage usage)
        {
            var pending = usage.Pending();
            if (pending.Count == 0)
            {
                usage.WriteTurn.Release();
                return null;
            }

            var rows = pending.Select(day => KeyUsageEntity.Of(keyId, day.Day, counter.InstanceId, day.Counts)).ToList();
            return new UsageWrite(usage, rows, pending.Select(day => (day.Day, day.Version)).ToList());
        }

        public void Written() => usage.Written(versions);

        public void Dispose() => usage.WriteTurn.Release();
    }

    /// <summary>One key's counts on this instance. The day table is guarded by locking it.</summary>
    internal sealed class KeyUsage
    {
        private readonly Dictionary<int, DayCounts> days = [];
        private bool retired;

        /// <summary>Held while the key's counts are being written.</summary>
        public SemaphoreSlim WriteTurn { get; } = new(1, 1);

        public bool HasPending
        {
            get
            {
                lock (days)
                {
                    return days.Values.Any(day => day.Version != day.WrittenVersion);
                }
            }
        }

        public bool TryCount(int day, KeyVerificationOutcome outcome)
        {
            lock (days)
            {
                if (retired)
                {
                    return false;
                }

                if (!days.TryGetValue(day, out var counts))
                {
                    days[day] = counts = new DayCounts();
                }

                counts.Values[(int)outcome]++;
                counts.Version++;
                return true;
            }
        }

        public List<(int Day, int[] Counts, long Version)> Pending()
        {
            lock (days)
            {
                return days.Where(day => day.Value.Version != day.Value.WrittenVersion)
                    .Select(day => (day.Key, (int[])day.Value.Values.Clone(), day.Value.Version))
                    .ToList();
            }
        }

        public void Written(IReadOnlyList<(int Day, long Version)> versions)
        {
            lock (days)
            {
                foreach (var (day, version) in versions)
                {
                    if (days.TryGetValue(day, out var counts))
                    {
                        counts.WrittenVersion = Math.Max(counts.WrittenVersion, version);
                    }
                }
            }
        }

        /// <returns>True when the key has nothing left and is retired (its next count starts a new <see cref="KeyUsage"/>).</returns>
        public bool PruneBefore(int today)
        {
            lock (days)
            {
                foreach (var day in days.Where(day => day.Key < today && day.Value.Version == day.Value.WrittenVersion).Select(day => day.Key).ToList())
                {
                    days.Remove(day);
                }

                retired = days.Count == 0;
                return retired;
            }
        }

        private sealed class DayCounts
        {
            public int[] Values { get; } = new int[KeyVerificationOutcomes.PerKey.Count];

            public long Version { get; set; }

            public long WrittenVersion { get; set; }
        }
    }
}
