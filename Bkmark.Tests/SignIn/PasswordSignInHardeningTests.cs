using System.Buffers.Binary;
using Bkmark.Core.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Bkmark.Tests.SignIn;

/// <summary>DESIGN.md §7 for password sign-in, over HTTP through the local host against Azurite.</summary>
public sealed class PasswordSignInHardeningTests(SignInHostFixture host) : IClassFixture<SignInHostFixture>
{
    private const string WrongPassword = "wrong password!";
    private const int LoginMaxFailures = 5;

    private HttpClient Client => host.Client;

    // Found by the hardening review: the lock was read before each guess and written after, so all 40 were checked.
    [Fact]
    public async Task Login_FortyWrongPasswordsAtOnce_ChecksOnlyAsManyAsTheLimit()
    {
        // Arrange
        var (_, email) = await Client.RegisterAsync();
        var before = host.PasswordVerifications;

        // Act
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            Task.Run(() => Client.PostAsJsonAsync("api/v1/auth/login", new { email, password = WrongPassword }))));

        // Assert
        Assert.Equal(LoginMaxFailures, host.PasswordVerifications - before);
        Assert.Equal(LoginMaxFailures, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(40 - LoginMaxFailures, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Login_ReturnsDeviceToken_InTheBodyAndAsAStrictHttpOnlyCookieForAYear()
    {
        // Arrange
        var (_, email) = await Client.RegisterAsync();

        // Act
        var response = await Client.PostAsJsonAsync("api/v1/auth/login", new { email, password = ApiTestClient.Password });

        // Assert
        var deviceToken = (await response.ReadJsonAsync()).GetProperty("deviceToken").GetString()!;
        Assert.StartsWith("bkd_", deviceToken, StringComparison.Ordinal);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.Equal($"bk_device={deviceToken}; Max-Age=31536000; Path=/api/v1/auth; HttpOnly; SameSite=Strict", cookie);
    }

    // Found by the hardening review: five wrong passwords from anywhere blocked the owner's right one for 15 minutes.
    [Fact]
    public async Task Login_StrangersFailures_DoNotLockOutTheOwnerPresentingADeviceToken()
    {
        // Arrange
        var (_, email) = await Client.RegisterAsync();
        var deviceToken = (await Client.LoginAsync(email)).GetProperty("deviceToken").GetString()!;
        await FailAsync(email, LoginMaxFailures);

        // Act
        var stranger = await LoginAsync(email, ApiTestClient.Password);
        var ownerWithBodyToken = await LoginAsync(email, ApiTestClient.Password, deviceToken);
        var ownerWithCookie = await LoginWithDeviceCookieAsync(email, deviceToken);
        var strangerAgain = await LoginAsync(email, ApiTestClient.Password);

        // Assert
        await stranger.AssertProblemAsync(HttpStatusCode.TooManyRequests, "TOO_MANY_ATTEMPTS");
        Assert.Equal(HttpStatusCode.OK, ownerWithBodyToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownerWithCookie.StatusCode);
        await strangerAgain.AssertProblemAsync(HttpStatusCode.TooManyRequests, "TOO_MANY_ATTEMPTS");
    }

    [Fact]
    public async Task Login_WrongPasswordsFromAKnownDevice_LockOutThatDeviceOnly()
    {
        // Arrange
        var (_, email) = await Client.RegisterAsync();
        var deviceToken = (await Client.LoginAsync(email)).GetProperty("deviceToken").GetString()!;
        for (var i = 0; i < LoginMaxFailures; i++)
        {
            await (await LoginAsync(email, WrongPassword, deviceToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        }

        // Act
        var sameDevice = await LoginAsync(email, ApiTestClient.Password, deviceToken);
        var elsewhere = await LoginAsync(email, ApiTestClient.Password);

        // Assert
        await sameDevice.AssertProblemAsync(HttpStatusCode.TooManyRequests, "TOO_MANY_ATTEMPTS");
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
    }

    [Fact]
    public async Task Login_DeviceTokenOfAnotherAccountOrAltered_SharesTheUnknownDevicesCounter()
    {
        // Arrange
        var (_, email) = await Client.RegisterAsync();
        var genuine = (await Client.LoginAsync(email)).GetProperty("deviceToken").GetString()!;
        var (_, otherEmail) = await Client.RegisterAsync();
        var othersToken = (await Client.LoginAsync(otherEmail)).GetProperty("deviceToken").GetString()!;
        var altered = genuine[..^1] + (genuine[^1] == '0' ? '1' : '0');
        await FailAsync(email, LoginMaxFailures);

        // Act
        var withOthersToken = await LoginAsync(email, ApiTestClient.Password, othersToken);
        var withAlteredToken = await LoginAsync(email, ApiTestClient.Password, altered);

        // Assert
        await withOthersToken.AssertProblemAsync(HttpStatusCode.TooManyRequests, "TOO_MANY_ATTEMPTS");
        await withAlteredToken.AssertProblemAsync(HttpStatusCode.TooManyRequests, "TOO_MANY_ATTEMPTS");
    }

    // Found by the hardening review: a known email cost one more storage read than an unknown one.
    [Fact]
    public async Task Login_UnknownAndKnownEmail_CostTheSameStorageRequestsAndOneHashEach()
    {
        // Arrange
        var (_, email) = await Client.RegisterAsync();

        // Act
        var (known, knownHashes) = await MeasureAsync(() => LoginAsync(email, WrongPassword));
        var (unknown, unknownHashes) = await MeasureAsync(() => LoginAsync(ApiTestClient.NewEmail(), WrongPassword));

        // Assert
        Assert.Equal(known, unknown);
        Assert.Equal(1, knownHashes);
        Assert.Equal(1, unknownHashes);
    }

    [Fact]
    public async Task Login_RehashesAStoredHashWeakerThanTheSettings()
    {
        // Arrange
        var (id, email) = await Client.RegisterAsync();
        var users = host.Services.GetRequiredService<UserStore>();
        var user = (await users.FindByIdAsync(id, CancellationToken.None))!;
        var weaker = new PasswordHasher<UserEntity>(Options.Create(new PasswordHasherOptions { IterationCount = 500 }));
        user.PasswordHash = weaker.HashPassword(user, ApiTestClient.Password);
        Assert.True(await users.TryUpdateAsync(user, CancellationToken.None));

        // Act
        var response = await LoginAsync(email, ApiTestClient.Password);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = (await users.FindByIdAsync(id, CancellationToken.None))!.PasswordHash;
        Assert.Equal(LocalHostFixture.FastPasswordHashIterations, IterationsOf(stored));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(email, ApiTestClient.Password)).StatusCode);
    }

    [Fact]
    public void PasswordHashIterations_DefaultToOwaspsCountForPbkdf2Sha512()
    {
        Assert.Equal(210_000, new AccountOptions().PasswordHashIterations);
        var hash = new PasswordHasher<UserEntity>(Options.Create(new PasswordHasherOptions { IterationCount = new AccountOptions().PasswordHashIterations }))
            .HashPassword(new UserEntity(), ApiTestClient.Password);
        Assert.Equal(210_000, IterationsOf(hash));
    }

    /// <summary>Identity's v3 format: 0x01, PRF (uint32 BE), iteration count (uint32 BE), salt length, salt, subkey.</summary>
    private static int IterationsOf(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(0x01, bytes[0]);
        return (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5, 4));
    }

    private async Task<(List<string> Requests, int Hashes)> MeasureAsync(Func<Task<HttpResponseMessage>> login)
    {
        host.StorageRequests.Clear();
        var hashesBefore = host.PasswordVerifications;
        await (await login()).AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        var requests = host.StorageRequests.Requests.Select(r => $"{r.Method} {TableOf(r.Uri)} {(r.IsPointRead ? "point-read" : "")}").ToList();
        return (requests, host.PasswordVerifications - hashesBefore);
    }

    private static string TableOf(Uri uri) => uri.AbsolutePath.Split('/')[^1].Split('(')[0];

    private async Task FailAsync(string email, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await (await LoginAsync(email, WrongPassword)).AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        }
    }

    private Task<HttpResponseMessage> LoginAsync(string email, string password, string? deviceToken = null) =>
        Client.PostAsJsonAsync("api/v1/auth/login", new { email, password, deviceToken });

    private Task<HttpResponseMessage> LoginWithDeviceCookieAsync(string email, string deviceToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/login")
        {
            Content = JsonContent.Create(new { email, password = ApiTestClient.Password }),
        };
        request.Headers.Add("Cookie", $"bk_device={deviceToken}");
        return Client.SendAsync(request);
    }
}
