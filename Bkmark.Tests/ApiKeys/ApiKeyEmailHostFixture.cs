namespace Bkmark.Tests.ApiKeys;

/// <summary>
/// <see cref="ApiKeyHostFixture"/> with the queue triggers running, so the emails it enqueues are sent (to MailDev):
/// for the tests of the API-key emails, which count no storage requests.
/// </summary>
public sealed class ApiKeyEmailHostFixture : ApiKeyHostFixture
{
    protected override bool RunsQueueTriggers => true;
}
