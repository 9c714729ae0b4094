namespace Bkmark.Tests.Lifecycle;

/// <summary>
/// The local host for the lifecycle's HTTP tests. Every request of a test run comes from 127.0.0.1, so the
/// per-address limit on unusable links is raised here: the race test alone presents 19 spent links at once.
/// The limit itself is tested in <see cref="LifecycleServiceTests"/>.
/// </summary>
public sealed class LifecycleHostFixture() : LocalHostFixture(new Dictionary<string, string?> { ["Lifecycle:LinkMaxFailures"] = "1000" });
