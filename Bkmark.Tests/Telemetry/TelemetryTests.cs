using System.Diagnostics;
using System.Diagnostics.Metrics;
using Bkmark.Core.Accounts;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Bkmark.Tests.Telemetry;

/// <summary>
/// The hosts' OpenTelemetry registration (DESIGN §18) seen through the in-memory exporter: the sign-in and key-verification
/// counters move with the outcome of what happened, and no email, client address or token appears in any tag.
/// </summary>
/// <remarks>
/// Every host in the test process records on a meter of the same name, and a meter provider listens by name, so other
/// tests' traffic shows in the exported sums too: what this test's requests moved is read from its own host's meters
/// (<see cref="HostCounters"/>), and the exporter is asked to carry those series and no secret.
/// </remarks>
public sealed class TelemetryTests(TelemetryTests.TelemetryHostFixture host) : IClassFixture<TelemetryTests.TelemetryHostFixture>
{
    private const string ClientIp = "203.0.113.77";

    [Fact]
    public async Task Counters_MoveWithOutcomeTags_AndNoTagHoldsAnEmailAddressOrToken()
    {
        using var ownCounts = new HostCounters(host.Services.GetRequiredService<IMeterFactory>());
        var user = await host.SignUpAsync(Plans.Pro);
        var wrongPassword = await host.Client.PostAsJsonAsync("api/v1/auth/login", new { email = user.Email, password = "not the password at all" });
        var key = (await host.SendForJsonAsync(HttpMethod.Post, "api/v1/api-keys", new { name = "n", scopes = new[] { "bookmarks:read" } }, user.AccessToken, HttpStatusCode.Created))
            .GetProperty("key").GetString()!;
        var good = await VerifyFromAsync(key);
        var unknown = await VerifyFromAsync("bk_" + new string('a', 40));
        var exported = host.Sums();

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        foreach (var (metric, tags, what) in new[]
        {
            ("bkmark.sign_ins", "method=password,outcome=succeeded", "a successful password sign-in"),
            ("bkmark.sign_ins", "method=password,outcome=invalid_credentials", "a refused password sign-in"),
            ("bkmark.api_key.verifications", "outcome=ok", "a good key"),
            ("bkmark.api_key.verifications", "outcome=invalid", "an unknown key"),
        })
        {
            // This host's meter counted it, and the exporter the hosts register carries that series.
            Assert.True(ownCounts.Of(metric, tags) > 0, $"{what} was not counted");
            Assert.True(exported.GetValueOrDefault((metric, tags)) > 0, $"{what} was not exported");
        }

        var tagValues = host.TagValues();
        Assert.NotEqual(0, host.SpanCount);
        foreach (var secret in new[] { user.Email, ClientIp, key, key[3..], user.AccessToken, TelemetryHostFixture.Escape(user.Email) })
        {
            Assert.DoesNotContain(tagValues, value => value.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    private Task<HttpResponseMessage> VerifyFromAsync(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/auth/verify");
        request.Headers.Authorization = new("Bearer", key);
        request.Headers.Add("X-Forwarded-For", ClientIp);
        return host.Client.SendAsync(request);
    }

    private static IEnumerable<string> Tags(ReadOnlyTagCollection tags)
    {
        foreach (var tag in tags)
        {
            yield return $"{tag.Key}={tag.Value}";
        }
    }

    /// <summary>The local host with in-memory exporters added to its own OpenTelemetry registration.</summary>
    public sealed class TelemetryHostFixture : LocalHostFixture
    {
        /// <summary>Written by the exporters' threads: read them through <see cref="Sums"/> and <see cref="TagValues"/>.</summary>
        private readonly LockedList<MetricSnapshot> metrics = new();
        private readonly LockedList<Activity> spans = new();

        protected override bool RunsQueueTriggers => false;

        protected override void ConfigureServices(IServiceCollection services)
        {
            services.ConfigureOpenTelemetryMeterProvider(provider => provider.AddInMemoryExporter(metrics));
            services.ConfigureOpenTelemetryTracerProvider(provider => provider.AddInMemoryExporter(spans));
        }

        public static string Escape(string value) => Uri.EscapeDataString(value);

        /// <summary>Exports now, and answers each (metric, tags) series' cumulative sum (the latest snapshot of it).</summary>
        public Dictionary<(string Metric, string Tags), long> Sums()
        {
            Services.GetRequiredService<MeterProvider>().ForceFlush();
            Services.GetRequiredService<TracerProvider>().ForceFlush();
            var sums = new Dictionary<(string, string), long>();
            foreach (var metric in metrics.Copy())
            {
                foreach (var point in metric.MetricPoints)
                {
                    sums[(metric.Name, string.Join(",", Tags(point.Tags).Order(StringComparer.Ordinal)))] = point.GetSumLong();
                }
            }

            return sums;
        }

        /// <summary>Every tag of every exported metric point and span, as <c>key=value</c>.</summary>
        public List<string> TagValues() =>
            metrics.Copy().SelectMany(m => m.MetricPoints).SelectMany(p => Tags(p.Tags))
                .Concat(spans.Copy().SelectMany(span => span.TagObjects.Select(tag => $"{tag.Key}={tag.Value}")))
                .ToList();

        public int SpanCount => spans.Copy().Count;
    }

    /// <summary>
    /// The measurements of one host's meters only (those its <see cref="IMeterFactory"/> made). Every host in the test
    /// process has a meter named Bkmark and an exporter listens by name, so the exported sums mix the hosts of tests
    /// running beside this one (and their growth between two exports says nothing about this test's requests).
    /// </summary>
    private sealed class HostCounters : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Metric, string Tags), long> counts = new();

        public HostCounters(IMeterFactory factory)
        {
            listener.InstrumentPublished = (instrument, meterListener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var series = string.Join(",", tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}").Order(StringComparer.Ordinal));
                counts.AddOrUpdate((instrument.Name, series), value, (_, sum) => sum + value);
            });
            listener.Start();
        }

        public long Of(string metric, string tags) => counts.GetValueOrDefault((metric, tags));

        public void Dispose() => listener.Dispose();
    }

    /// <summary>A list the in-memory exporters may add to while a test reads it.</summary>
    private sealed class LockedList<T> : System.Collections.ObjectModel.Collection<T>
    {
        public List<T> Copy()
        {
            lock (Items)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, T item)
        {
            lock (Items)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
