using System.Threading.Channels;
using Npgsql;

namespace Accessibility.Api.Features.Reports;

/// <summary>
/// Group commit of report filings. A filing waits here until a writer takes it with the others waiting, and writes
/// them in one transaction (<see cref="ReportSql.FileAsync"/>: placement, duplicate search and the inserts set-based over
/// the batch, on the writer's own connection with prepared statements; one WAL flush); each filing's task
/// completes only after that transaction has committed, so a 201 still means durable (<c>synchronous_commit</c> on).
/// With one writer busy flushing, the next batch gathers what arrives meanwhile: batches grow with the load, and a
/// lone report waits for nothing but its own commit. A batch PostgreSQL refuses (an error it reports, so nothing of
/// it committed) is written again one filing at a time, so one bad filing fails alone; a lost connection fails the
/// whole batch, since whether it committed is unknown (the clients get 503 and may file again).
/// </summary>
public sealed class ReportFilingQueue(NpgsqlDataSource dataSource, ILogger<ReportFilingQueue> logger) : BackgroundService
{
    /// <summary>Most filings in one transaction.</summary>
    public const int MaxBatch = 64;

    // Two writers: one gathers and executes while the other waits for its flush.
    private const int Writers = 2;

    private readonly Channel<Filing> queue = Channel.CreateUnbounded<Filing>(new UnboundedChannelOptions { SingleReader = false });

    /// <summary>
    /// Places <paramref name="report"/> and stores it with the next batch; returns its id and the report it was linked to,
    /// once committed, or null when it lies outside every registered county (then it is not stored).
    /// </summary>
    public async Task<(long Id, long? DuplicateOf)?> FileAsync(Report report, ReportAuditActor actor, DateTimeOffset since, CancellationToken ct)
    {
        var filing = new Filing(report, actor, since, new TaskCompletionSource<(long, long?)?>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(filing))
        {
            throw new InvalidOperationException("The service is stopping.");
        }

        // Not cancelled with the request: once queued, the report is written whether or not the client still waits.
        return await filing.Done.Task.WaitAsync(ct);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Writers stop when the queue is completed and empty (StopAsync), not at the token: nothing queued is dropped.
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => WriteAsync()));
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Requests have drained before hosted services stop: write what is queued, then end.
        queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task WriteAsync()
    {
        // The writer's own connection, kept between batches (no pool round trip and session reset a batch, and its
        // statements stay prepared); opened again after a failure.
        NpgsqlConnection? connection = null;
        var batch = new List<Filing>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var filing))
                {
                    batch.Add(filing);
                }

                if (batch.Count > 0)
                {
                    connection = await WriteBatchAsync(connection, batch);
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    // Returns the connection to use for the next batch (null: open a new one).
    private async Task<NpgsqlConnection?> WriteBatchAsync(NpgsqlConnection? connection, List<Filing> batch)
    {
        try
        {
            connection ??= await dataSource.OpenConnectionAsync();
            var stored = await ReportSql.FileAsync(connection, null, [.. batch.Select(f => f.Entry)], ReportIntake.DuplicateMetres, prepare: true);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(stored[i]);
            }

            return connection;
        }
        catch (PostgresException ex) when (batch.Count > 1 && connection is { State: System.Data.ConnectionState.Open })
        {
            // Refused (nothing of it committed, the transaction rolled back): one at a time, so only the bad one fails.
            logger.LogWarning(ex, "A batch of {Count} reports was refused; writing them one at a time", batch.Count);
            foreach (var filing in batch)
            {
                connection = await WriteBatchAsync(connection, [filing]);
            }

            return connection;
        }
        catch (Exception ex)
        {
            foreach (var filing in batch)
            {
                filing.Done.TrySetException(ex);
            }

            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            return null;
        }
    }

    private sealed record Filing(Report Report, ReportAuditActor Actor, DateTimeOffset Since, TaskCompletionSource<(long Id, long? DuplicateOf)?> Done)
    {
        public ReportFiling Entry => new(Report, Actor, Since);
    }
}
