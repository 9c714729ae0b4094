using Bkmark.Core.Maintenance;

namespace Bkmark.Core.Email;

/// <summary>A sent message's id, remembered for <see cref="EmailOptions.DeliveryMemory"/>: PartitionKey = the id, RowKey empty.</summary>
internal sealed class EmailDeliveryEntity : StoredEntity
{
    public DateTimeOffset SentAt { get; set; }

    /// <summary>When the id may be forgotten; the sweep deletes the record after this.</summary>
    public DateTimeOffset ForgetAt { get; set; }
}

/// <summary>The ids of sent emails, so the sender sends each message id at most once while it remembers it.</summary>
internal sealed class EmailDeliveryStore(BkmarkTables tables, ExpiryIndex expiry)
{
    /// <summary>Delivery records as the sweep reads and deletes them.</summary>
    public SweepableTable<EmailDeliveryEntity> Sweepable => new(tables, TableNames.EmailDeliveries);

    public async Task<bool> WasSentAsync(string messageId, CancellationToken cancellationToken)
    {
        var found = await Table(messageId).GetEntityIfExistsAsync<EmailDeliveryEntity>(messageId, "", select: ["PartitionKey"], cancellationToken);
        return found.HasValue;
    }

    public async Task RecordSentAsync(string messageId, DateTimeOffset sentAt, DateTimeOffset forgetAt, CancellationToken cancellationToken)
    {
        // Scheduled first: a crash in between leaves an index entry pointing at nothing, never a record the sweep cannot find.
        await expiry.ScheduleAsync(EmailDeliveryExpiryHandler.KindName, messageId, "", forgetAt, cancellationToken);
        var entity = new EmailDeliveryEntity { PartitionKey = messageId, RowKey = "", SentAt = sentAt, ForgetAt = forgetAt };
        await Table(messageId).UpsertEntityAsync(entity, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
    }

    private Azure.Data.Tables.TableClient Table(string messageId) => tables[TableNames.EmailDeliveries, messageId];
}

/// <summary>Forgets sent ids once <see cref="EmailDeliveryEntity.ForgetAt"/> has passed.</summary>
internal sealed class EmailDeliveryExpiryHandler(EmailDeliveryStore store)
    : EntityExpiryHandler<EmailDeliveryEntity>(store.Sweepable, KindName)
{
    public const string KindName = "email-delivery";

    protected override DateTimeOffset? DeletableAt(EmailDeliveryEntity entity) => entity?.ForgetAt;
}
