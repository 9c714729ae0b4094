namespace Bkmark.Core.Storage;

/// <summary>What a conditional delete (If-Match on the ETag read) came to.</summary>
public enum DeleteOutcome
{
    Deleted,

    /// <summary>Gone before this delete arrived: someone else (another sweep) got there first.</summary>
    AlreadyGone,

    /// <summary>Changed since it was read (412): read it again and decide.</summary>
    Changed,
}
