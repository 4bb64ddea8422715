using Npgsql;

namespace Accessibility.Api.Features.Reports;

/// <summary>A notification ready to send, with the reporter's contact details.</summary>
/// <param name="Id">Outbox id.</param>
/// <param name="ReportId">Report.</param>
/// <param name="Email">E-mail, if given.</param>
/// <param name="Phone">Phone, if given.</param>
/// <param name="Message">Text.</param>
public sealed record OutgoingNotification(long Id, long ReportId, string? Email, string? Phone, string Message);

/// <summary>Delivers notifications to reporters (mail, SMS, the 12345 platform…). Replace the registration to plug one in.</summary>
public interface IReportNotificationSender
{
    /// <summary>Sends one; throws to have it retried later.</summary>
    Task SendAsync(OutgoingNotification notification, CancellationToken ct);
}

/// <summary>The default sender: writes to the log (no mail server here), contact details masked.</summary>
public sealed partial class LogReportNotificationSender(ILogger<LogReportNotificationSender> logger) : IReportNotificationSender
{
    /// <inheritdoc />
    public Task SendAsync(OutgoingNotification notification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var to = notification.Email is { } e ? Mask(e) : Mask(notification.Phone ?? "");
        Sent(logger, notification.ReportId, to, notification.Message);
        return Task.CompletedTask;
    }

    private static string Mask(string contact) => contact.Length <= 4 ? "****" : contact[..2] + new string('*', contact.Length - 4) + contact[^2..];

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId}: notification to {To}: {Message}")]
    private static partial void Sent(ILogger logger, long reportId, string to, string message);
}

/// <summary>
/// Sends the outbox: every few seconds, claims pending notifications with <c>FOR UPDATE SKIP LOCKED</c> (so any
/// number of service instances share the work without sending one twice), sends each, and marks it sent.
/// A failure counts an attempt and leaves it for the next round.
/// </summary>
public sealed partial class ReportNotificationDispatcher(NpgsqlDataSource dataSource, IReportNotificationSender sender, ILogger<ReportNotificationDispatcher> logger)
    : BackgroundService
{
    /// <summary>Interval between rounds.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendPendingAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // The database may not be migrated yet, or be briefly away: try again next round.
                Failed(logger, ex.Message);
            }

            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: up to 100 pending notifications. Returns how many were sent.</summary>
    public async Task<int> SendPendingAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var pending = new List<OutgoingNotification>();
        await using (var select = new NpgsqlCommand(
            """
            SELECT n.id, n.report_id, r.email, r.phone, n.message FROM report_notifications n JOIN reports r ON r.id = n.report_id
            WHERE n.sent_at IS NULL AND n.attempts < 10 ORDER BY n.id LIMIT 100 FOR UPDATE OF n SKIP LOCKED
            """, connection, tx))
        {
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                pending.Add(new(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4)));
            }
        }

        var sent = 0;
        foreach (var notification in pending)
        {
            var ok = true;
            try
            {
                await sender.SendAsync(notification, ct);
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ok = false;
                Failed(logger, ex.Message);
            }

            await using var update = new NpgsqlCommand(
                "UPDATE report_notifications SET attempts = attempts + 1, sent_at = CASE WHEN @ok THEN now() END WHERE id = @id", connection, tx);
            update.Parameters.AddWithValue("ok", ok);
            update.Parameters.AddWithValue("id", notification.Id);
            await update.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return sent;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report notifications: {Reason}")]
    private static partial void Failed(ILogger logger, string reason);
}
