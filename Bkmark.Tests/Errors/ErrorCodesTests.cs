using System.Reflection;

namespace Bkmark.Tests.Errors;

public sealed class ErrorCodesTests
{
    /// <summary>DESIGN.md §2's table, plus the transport codes the functions answer with.</summary>
    [Theory]
    [InlineData(ErrorCodes.ValidationFailed, 400)]
    [InlineData(ErrorCodes.CredentialsInUrl, 400)]
    [InlineData(ErrorCodes.MissingToken, 401)]
    [InlineData(ErrorCodes.InvalidToken, 401)]
    [InlineData(ErrorCodes.TokenRevoked, 401)]
    [InlineData(ErrorCodes.TokenExpired, 401)]
    [InlineData(ErrorCodes.InvalidCredentials, 401)]
    [InlineData(ErrorCodes.TwoFactorRequired, 401)]
    [InlineData(ErrorCodes.InvalidTwoFactorCode, 401)]
    [InlineData(ErrorCodes.ScopeRequired, 403)]
    [InlineData(ErrorCodes.ApiAccessProRequired, 403)]
    [InlineData(ErrorCodes.KeyLimitReached, 403)]
    [InlineData(ErrorCodes.ApiKeyNotAllowed, 403)]
    [InlineData(ErrorCodes.CsrfCheckFailed, 403)]
    [InlineData(ErrorCodes.KeyLimitsExceeded, 403)]
    [InlineData(ErrorCodes.ReauthenticationRequired, 403)]
    [InlineData(ErrorCodes.IpNotAllowed, 403)]
    [InlineData(ErrorCodes.TestKeyRequired, 403)]
    [InlineData(ErrorCodes.PublishableKeyNotAllowed, 403)]
    [InlineData(ErrorCodes.PublishableKeyRequired, 403)]
    [InlineData(ErrorCodes.OriginNotAllowed, 403)]
    [InlineData(ErrorCodes.NotFound, 404)]
    [InlineData(ErrorCodes.EmailTaken, 409)]
    [InlineData(ErrorCodes.Conflict, 409)]
    [InlineData(ErrorCodes.LibraryFull, 409)]
    [InlineData(ErrorCodes.TeamPlanRequired, 403)]
    [InlineData(ErrorCodes.OrganisationRoleRequired, 403)]
    [InlineData(ErrorCodes.OrganisationKeyNotAllowed, 403)]
    [InlineData(ErrorCodes.LastOwner, 409)]
    [InlineData(ErrorCodes.EmailNotVerified, 403)]
    [InlineData(ErrorCodes.OrganisationOwnerRequired, 409)]
    [InlineData(ErrorCodes.PayloadTooLarge, 413)]
    [InlineData(ErrorCodes.UnsupportedMediaType, 415)]
    [InlineData(ErrorCodes.TooManyAttempts, 429)]
    [InlineData(ErrorCodes.RateLimited, 429)]
    [InlineData(ErrorCodes.StorageUnavailable, 503)]
    [InlineData(ErrorCodes.InternalError, 500)]
    public void StatusOf_IsTheDesignStatus_ForEveryCode(string code, int status)
    {
        Assert.Equal(status, ErrorCodes.StatusOf(code));
        Assert.Equal(status, new Problem(code, "detail").Status);
    }

    [Fact]
    public void Table_HoldsEveryDeclaredCode_WithATitle()
    {
        var declared = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral)
            .Select(field => (string)field.GetRawConstantValue()!)
            .ToHashSet();

        Assert.Equal(declared.Order(), ErrorCodes.All.Order());
        Assert.All(declared, code => Assert.NotEqual(code, ErrorCodes.TitleOf(code)));
    }

    [Fact]
    public void StatusOf_Throws_ForACodeOutsideTheTable()
    {
        Assert.Throws<ArgumentException>(() => ErrorCodes.StatusOf("MADE_UP"));
    }
}
