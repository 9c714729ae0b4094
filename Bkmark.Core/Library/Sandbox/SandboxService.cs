using Bkmark.Core.Library.Bookmarks;

namespace Bkmark.Core.Library.Sandbox;

/// <summary>The sandbox library test keys act on (DESIGN.md §12): emptied on request, never touching live data.</summary>
public sealed partial class SandboxService
{
    private readonly BookmarkStore library;
    private readonly ILogger<SandboxService> logger;

    // Internal because the store it takes is; registered with AddServiceWithInternalConstructor.
    internal SandboxService(BookmarkStore library, ILogger<SandboxService> logger)
    {
        this.library = library;
        this.logger = logger;
    }

    /// <summary>
    /// Empties the caller's sandbox (an organisation's, on its route or for its test key): its bookmarks, groups and
    /// tags. A session or a test key may; a live key may not (<c>TEST_KEY_REQUIRED</c>), since a live key never touches the sandbox.
    /// </summary>
    public async Task<Result<bool>> ResetAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsSession && !caller.IsTestKey)
        {
            return caller.Refuse(new Problem(ErrorCodes.TestKeyRequired, "A live API key cannot reach the sandbox. Use a test key (bk_test_…) or a signed-in session."));
        }

        var sandbox = SandboxLibrary.Of(caller);
        var deleted = await library.DeleteLibraryAsync(sandbox, cancellationToken);
        LogReset(logger, sandbox, deleted);
        return true;
    }

    [LoggerMessage(EventId = 3601, Level = LogLevel.Information, Message = "Sandbox {LibraryId} reset: {Deleted} entities deleted")]
    private static partial void LogReset(ILogger logger, string libraryId, int deleted);
}
