using Bkmark.Core.Authorization;

namespace Bkmark.Tests.Infrastructure;

/// <summary>Callers for service tests, as <see cref="RequestAuthenticator"/> makes them for a request.</summary>
public static class Callers
{
    /// <summary>A signed-in session of <paramref name="userId"/>, from a browser that sent <paramref name="userAgent"/>.</summary>
    public static Caller Session(string userId, string? userAgent = null) =>
        new(userId, CredentialType.Session, Scopes.All, null, SessionId: "s") { Client = new ClientInfo(userAgent, null) };
}
