namespace Bkmark.Core.Accounts;

/// <summary>A user's plan, as the operator's plan change answers it.</summary>
public sealed record UserPlan(string Id, string Plan);
