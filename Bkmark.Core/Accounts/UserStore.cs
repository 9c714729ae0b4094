using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Bkmark.Core.Storage;

namespace Bkmark.Core.Accounts;

/// <summary>Users and their email index in Table Storage.</summary>
internal sealed class UserStore(BkmarkTables tables)
{
    // Not a ULID (those are 26 characters), so no user ever has this id.
    private const string NoUserId = "nobody";

    private TableClient Users => tables[TableNames.Users];
    private TableClient Emails => tables[TableNames.UserEmails];

    public async Task<UserEntity?> FindByIdAsync(string userId, CancellationToken cancellationToken)
    {
        if (!IsValidKey(userId))
        {
            return null;
        }

        return await Users.FindAsync<UserEntity>(userId, UserEntity.ProfileRowKey, cancellationToken);
    }

    /// <summary>
    /// The user signing in with this email: the email index, then the user. An unknown email reads a user
    /// row that cannot exist instead, so both answers cost the same two point reads (DESIGN.md §7).
    /// </summary>
    public async Task<UserEntity?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        var index = await Emails.FindAsync<UserEmailEntity>(EmailKey(normalizedEmail), "", cancellationToken);
        var user = await Users.FindAsync<UserEntity>(index?.UserId ?? NoUserId, UserEntity.ProfileRowKey, cancellationToken);
        return index is null ? null : user;
    }

    /// <summary>
    /// Creates the user, then claims the email. Two registrations racing for one email both write a
    /// user; only one claims the email, and the other removes its user again.
    /// </summary>
    /// <returns>False when the email is taken.</returns>
    public async Task<bool> CreateAsync(UserEntity user, CancellationToken cancellationToken)
    {
        await Users.AddEntityAsync(user, cancellationToken);
        try
        {
            await Emails.AddEntityAsync(new UserEmailEntity { PartitionKey = EmailKey(user.Email), UserId = user.Id }, cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.IsConflict())
        {
            await Users.DeleteEntityAsync(user.PartitionKey, user.RowKey, ETag.All, cancellationToken);
            return false;
        }
    }

    /// <summary>Replaces the user if nobody changed it since it was read.</summary>
    /// <returns>False when the ETag no longer matches (a lost race).</returns>
    public Task<bool> TryUpdateAsync(UserEntity user, CancellationToken cancellationToken) =>
        Users.TryReplaceAsync(user, cancellationToken);

    private static string EmailKey(string normalizedEmail) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));

    private static bool IsValidKey(string id) => id.Length is > 0 and <= 64 && id.All(char.IsAsciiLetterOrDigit);
}
