using Npgsql;

namespace Accessibility.Api.Features.Tiles;

/// <summary>
/// Keeps the reference day R of the facility tiles' due buckets (migration FacilityDueBuckets) at today: at start and
/// then every <see cref="Every"/>, R moves to today (UTC) when behind, re-bucketing only the facilities due near the
/// window's edges (about four days' worth of due facilities a day). A tile is exact whatever R is; while R is more than
/// 2 days behind today, each facility tile also judges one by one the facilities due in the days R has not caught up
/// with (slower, never wrong), so a stopped service costs time, not correctness.
/// </summary>
public sealed partial class FacilityDueReference(NpgsqlDataSource primary, ILogger<FacilityDueReference> logger) : BackgroundService
{
    /// <summary>How often R is checked against today.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                await using var connection = await primary.OpenConnectionAsync(stoppingToken);
                if (await TileSql.MoveDueReferenceAsync(connection, stoppingToken) is { } moved)
                {
                    LogMoved(moved);
                }
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                // Not moved now: the tiles stay exact; the next round tries again.
                LogFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Facility tiles' due reference day moved to today; {Moved} facilities re-bucketed")]
    private partial void LogMoved(int moved);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Facility tiles' due reference day not moved; tried again within the hour")]
    private partial void LogFailed(Exception e);
}
