using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Districts;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Imports;

/// <summary>
/// Runs the imports started from the page, one at a time per instance (an import keeps a core busy; the machine is
/// shared with the public map), and writes each job's progress to <c>import_jobs</c> about once a second. The upload is
/// held in memory until its turn; the job's row says where it is, so the page can poll any instance.
/// </summary>
public sealed class ImportJobRunner(IServiceScopeFactory scopes, ILogger<ImportJobRunner> logger) : BackgroundService
{
    /// <summary>A running or queued job whose heartbeat is older than this was interrupted (its instance stopped).</summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);

    private readonly Channel<Work> queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, Snapshot> live = new();

    private sealed record Work(Guid Id, ImportRequest Request, Func<string, bool> MayWrite, BoundaryImporter.Actor Actor);

    /// <summary>Records a queued job and hands it to the runner; returns its id.</summary>
    public async Task<ImportJob> EnqueueAsync(ImportRequest request, Func<string, bool> mayWrite, BoundaryImporter.Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        var now = DateTimeOffset.UtcNow;
        var job = new ImportJob
        {
            Id = Guid.NewGuid(),
            UserId = actor.UserId,
            FileName = request.FileName.Length > 260 ? request.FileName[..260] : request.FileName,
            Format = request.Format,
            State = "queued",
            BytesTotal = request.Data.LongLength,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            db.Set<ImportJob>().Add(job);
            await db.SaveChangesAsync(ct);
        }

        live[job.Id] = new Snapshot();
        await queue.Writer.WriteAsync(new Work(job.Id, request, mayWrite, actor), ct);
        return job;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var heartbeat = BeatAsync(stoppingToken);
        try
        {
            await foreach (var work in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await RunAsync(work, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: queued jobs are marked failed below.
        }

        foreach (var id in live.Keys)
        {
            await FinishAsync(id, "failed", null, "The service stopped before the import finished; nothing was written.", CancellationToken.None);
        }

        await heartbeat;
    }

    private async Task RunAsync(Work work, CancellationToken ct)
    {
        var snapshot = live.GetOrAdd(work.Id, _ => new Snapshot());
        snapshot.Start();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var importer = scope.ServiceProvider.GetRequiredService<FacilityImporter>();
            var outcome = await work.Request.RunAsync(importer, work.MayWrite, work.Actor, snapshot, ct);
            var json = JsonSerializer.SerializeToNode(outcome, JsonSerializerOptions.Web) as JsonObject;
            await FinishAsync(work.Id, outcome.Imported ? "imported" : "rejected", json, null, CancellationToken.None);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await FinishAsync(work.Id, "failed", null, "The service stopped during the import; nothing was written.", CancellationToken.None);
        }
#pragma warning disable CA1031 // Any failure of one import must end that job, not the runner.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "Import job {Id} failed", work.Id);
            await FinishAsync(work.Id, "failed", null, "The import failed (" + ex.GetType().Name + "); nothing was written.", CancellationToken.None);
        }
    }

    private async Task FinishAsync(Guid id, string state, JsonObject? outcome, string? error, CancellationToken ct)
    {
        live.TryRemove(id, out var snapshot);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var job = await db.Set<ImportJob>().SingleAsync(j => j.Id == id, ct);
            var now = DateTimeOffset.UtcNow;
            job.State = state;
            job.Phase = null;
            job.Outcome = outcome;
            job.Error = error;
            job.FinishedAt = now;
            job.UpdatedAt = now;
            if (outcome?["rows"]?.GetValue<int>() is { } rows)
            {
                job.Rows = rows;
            }

            job.BytesRead = snapshot?.BytesRead ?? job.BytesRead;
            await db.SaveChangesAsync(ct);
        }
#pragma warning disable CA1031 // Losing a status write must not stop the runner; the job then shows as interrupted.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogWarning(ex, "Could not record the end of import job {Id}", id);
        }
    }

    /// <summary>Once a second: the running job's progress, and a heartbeat for the queued ones.</summary>
    private async Task BeatAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Heartbeat);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                foreach (var (id, snapshot) in live)
                {
                    try
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
                        var now = DateTimeOffset.UtcNow;
                        var (phase, rows, bytes, started) = snapshot.Read();
                        await db.Set<ImportJob>().Where(j => j.Id == id && (j.State == "queued" || j.State == "running")).ExecuteUpdateAsync(
                            s =>
                            {
                                s.SetProperty(j => j.UpdatedAt, now);
                                if (started)
                                {
                                    s.SetProperty(j => j.State, "running")
                                        .SetProperty(j => j.StartedAt, j => j.StartedAt ?? now)
                                        .SetProperty(j => j.Phase, phase)
                                        .SetProperty(j => j.Rows, rows)
                                        .SetProperty(j => j.BytesRead, bytes);
                                }
                            }, ct);
                    }
                    catch (Exception ex) when (ex is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException)
                    {
                        logger.LogWarning(ex, "Could not record the progress of import job {Id}", id);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>The latest progress of one job, written by the import's thread and read by the heartbeat.</summary>
    private sealed class Snapshot : IProgress<ImportProgress>
    {
        private readonly Lock gate = new();
        private string? phase;
        private long rows;
        private long bytes;
        private bool started;

        public long BytesRead
        {
            get
            {
                lock (gate)
                {
                    return bytes;
                }
            }
        }

        public void Start()
        {
            lock (gate)
            {
                started = true;
                phase = "read";
            }
        }

        public void Report(ImportProgress value)
        {
            lock (gate)
            {
                phase = value.Phase;
                rows = value.Rows;
                bytes = value.BytesRead;
            }
        }

        public (string? Phase, long Rows, long Bytes, bool Started) Read()
        {
            lock (gate)
            {
                return (phase, rows, bytes, started);
            }
        }
    }
}
