using System.Diagnostics.Metrics;

namespace Bkmark.Core.Telemetry;

/// <summary>
/// The service's own meters (DESIGN §18), recorded through <see cref="System.Diagnostics.Metrics"/> so Core depends on
/// no exporter: the hosts' OpenTelemetry registration listens to <see cref="MeterName"/>. Every tag value is one of a
/// small fixed set (a method, an outcome, a template or kind name), never a secret, an email or an address.
/// </summary>
public sealed class BkmarkMetrics
{
    /// <summary>The meter name the hosts subscribe to.</summary>
    public const string MeterName = "Bkmark";

    private readonly Counter<long> signIns;
    private readonly Counter<long> keyVerifications;
    private readonly Counter<long> throttledAttempts;
    private readonly Counter<long> emails;
    private readonly Counter<long> sweepItems;

    public BkmarkMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The factory owns (and disposes) the meter.
        var meter = meterFactory.Create(MeterName);
        signIns = meter.CreateCounter<long>("bkmark.sign_ins", "{sign-in}", "Sign-in attempts by method and outcome.");
        keyVerifications = meter.CreateCounter<long>("bkmark.api_key.verifications", "{verification}", "API key verifications by outcome.");
        throttledAttempts = meter.CreateCounter<long>("bkmark.throttled_attempts", "{attempt}", "Attempts refused by a throttle, by kind.");
        emails = meter.CreateCounter<long>("bkmark.emails", "{email}", "Emails by template and outcome.");
        sweepItems = meter.CreateCounter<long>("bkmark.sweep.items", "{item}", "Expiry index entries the sweep handled, by kind and outcome.");
    }

    /// <param name="method">password, passkey, social, refresh, two_factor…</param>
    /// <param name="outcome">succeeded, failed, throttled, two_factor_required…</param>
    public void SignIn(string method, string outcome) =>
        signIns.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("outcome", outcome));

    public void KeyVerified(string outcome) => keyVerifications.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <param name="kind">The throttle policy's kind (e.g. <c>password</c>), never its subject.</param>
    public void Throttled(string kind) => throttledAttempts.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <param name="template">The email template's name.</param>
    /// <param name="outcome">sent, failed, duplicate.</param>
    public void Email(string template, string outcome) =>
        emails.Add(1, new KeyValuePair<string, object?>("template", template), new KeyValuePair<string, object?>("outcome", outcome));

    /// <param name="kind">The expiry kind (e.g. <c>sessions</c>).</param>
    /// <param name="outcome">deleted, nothing, later, contended, failed.</param>
    public void SweepItem(string kind, string outcome) =>
        sweepItems.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
}
