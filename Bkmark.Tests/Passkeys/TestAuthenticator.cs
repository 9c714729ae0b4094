using System.Buffers.Binary;
using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Bkmark.Tests.Passkeys;

/// <summary>
/// A software WebAuthn authenticator for tests: an ES256 key pair, CBOR authenticator data, a "none"
/// attestation object and clientDataJSON, built byte by byte as a browser and authenticator would, so
/// Fido2 verifies them for real. Flags and counters can be set to what a test needs to be refused.
/// </summary>
public sealed class TestAuthenticator(byte[]? credentialId = null) : IDisposable
{
    public const byte UserPresent = 0x01;
    public const byte UserVerified = 0x04;
    public const byte BackupEligible = 0x08;
    public const byte BackedUp = 0x10;
    private const byte AttestedCredentialData = 0x40;

    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] CredentialId { get; } = credentialId ?? RandomNumberGenerator.GetBytes(16);

    public string RelyingPartyId { get; set; } = "localhost";

    /// <summary>The user handle from the registration options, kept as a discoverable credential keeps it.</summary>
    public byte[]? UserHandle { get; set; }

    /// <summary>Answers creation options (the JSON object the API returned) with a PublicKeyCredential.</summary>
    public JsonElement Attest(JsonElement options, string origin, byte flags = UserPresent | UserVerified, uint signCount = 0)
    {
        UserHandle = Base64Url.DecodeFromChars(options.GetProperty("user").GetProperty("id").GetString());
        var clientData = ClientData("webauthn.create", options.GetProperty("challenge").GetString()!, origin);
        var authenticatorData = AuthenticatorData((byte)(flags | AttestedCredentialData), signCount, AttestedCredential());

        var cbor = new CborWriter(CborConformanceMode.Ctap2Canonical);
        cbor.WriteStartMap(3);
        cbor.WriteTextString("fmt");
        cbor.WriteTextString("none");
        cbor.WriteTextString("attStmt");
        cbor.WriteStartMap(0);
        cbor.WriteEndMap();
        cbor.WriteTextString("authData");
        cbor.WriteByteString(authenticatorData);
        cbor.WriteEndMap();

        return Credential(new JsonObject
        {
            ["attestationObject"] = Base64Url.EncodeToString(cbor.Encode()),
            ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
            ["transports"] = new JsonArray("internal"),
        });
    }

    /// <summary>Answers request options with an assertion signed by this authenticator's key.</summary>
    public JsonElement Assert(JsonElement options, string origin, byte flags = UserPresent | UserVerified, uint signCount = 0, byte[]? userHandle = null)
    {
        var clientData = ClientData("webauthn.get", options.GetProperty("challenge").GetString()!, origin);
        var authenticatorData = AuthenticatorData(flags, signCount, attestedCredential: []);
        var signature = key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        return Credential(new JsonObject
        {
            ["authenticatorData"] = Base64Url.EncodeToString(authenticatorData),
            ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
            ["signature"] = Base64Url.EncodeToString(signature),
            ["userHandle"] = Base64Url.EncodeToString(userHandle ?? UserHandle ?? throw new InvalidOperationException("Attest first.")),
        });
    }

    /// <summary>
    /// Registers this authenticator's passkey to the signed-in account over HTTP (<c>POST /me/passkeys/options</c>, then
    /// <c>POST /me/passkeys</c>) through <paramref name="client"/>; returns the passkey's id.
    /// </summary>
    public async Task<string> RegisterAsync(HttpClient client, string accessToken, string origin)
    {
        var options = await client.SendForJsonAsync(HttpMethod.Post, "api/v1/me/passkeys/options", bearer: accessToken);
        var created = await client.SendForJsonAsync(HttpMethod.Post, "api/v1/me/passkeys", new
        {
            challengeId = options.GetProperty("challengeId").GetString(),
            credential = Attest(options.GetProperty("options"), origin),
        }, accessToken, HttpStatusCode.Created);
        return created.GetProperty("id").GetString()!;
    }

    public void Dispose() => key.Dispose();

    private JsonElement Credential(JsonObject response)
    {
        var id = Base64Url.EncodeToString(CredentialId);
        var credential = new JsonObject
        {
            ["id"] = id,
            ["rawId"] = id,
            ["type"] = "public-key",
            ["response"] = response,
            ["clientExtensionResults"] = new JsonObject(),
        };
        return JsonSerializer.SerializeToElement(credential);
    }

    private static byte[] ClientData(string type, string challenge, string origin) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["challenge"] = challenge, ["origin"] = origin, ["crossOrigin"] = false }.ToJsonString());

    // WebAuthn §6.1: rpIdHash (32) | flags (1) | signCount (4, big-endian) | attestedCredentialData.
    private byte[] AuthenticatorData(byte flags, uint signCount, byte[] attestedCredential)
    {
        var counter = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(counter, signCount);
        return [.. SHA256.HashData(Encoding.UTF8.GetBytes(RelyingPartyId)), flags, .. counter, .. attestedCredential];
    }

    // §6.5.1: aaguid (16) | credentialIdLength (2, big-endian) | credentialId | COSE public key.
    private byte[] AttestedCredential()
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        var cose = new CborWriter(CborConformanceMode.Ctap2Canonical);
        cose.WriteStartMap(5);
        cose.WriteInt32(1); // kty: EC2
        cose.WriteInt32(2);
        cose.WriteInt32(3); // alg: ES256
        cose.WriteInt32(-7);
        cose.WriteInt32(-1); // crv: P-256
        cose.WriteInt32(1);
        cose.WriteInt32(-2); // x
        cose.WriteByteString(parameters.Q.X!);
        cose.WriteInt32(-3); // y
        cose.WriteByteString(parameters.Q.Y!);
        cose.WriteEndMap();

        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)CredentialId.Length);
        return [.. new byte[16], .. length, .. CredentialId, .. cose.Encode()];
    }
}
