using Npgsql;

namespace Accessibility.Api.Features.Tiles;

/// <summary>
/// Renders two facility tiles once at start, before the service listens (hosted services start before the server:
/// dotnet/aspnetcore#36122), and throws them away: the kept-cells statement (zooms 0–15) and the raw one (16 and
/// closer). The first tile a user asked for after a start paid for compiling the tile code, loading PostGIS into a
/// fresh backend and planning the statement: 158 ms at zoom 0 on the 1 M bench, against 10–20 ms for the next
/// (bench/README.md, session 8). Nothing is cached: a tile's cache entry is made by its request only. A failure here
/// is logged and the service starts all the same; the first requests then pay, as before.
/// </summary>
public sealed partial class TileWarmUp(NpgsqlDataSource primary, ILogger<TileWarmUp> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await using var connection = await primary.OpenConnectionAsync(cancellationToken);
            // (0, 0, 0): the world, read from the kept cells. (16, 0, 0): a tile of the Arctic Ocean off Alaska's
            // north (no facility there), through the raw statement.
            await TileSql.TileAsync(connection, "facilities", 0, 0, 0, null, cancellationToken);
            await TileSql.TileAsync(connection, "facilities", 16, 0, 0, null, cancellationToken);
            LogWarmed(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            LogFailed(e);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Facility tiles warmed up in {Milliseconds:F0} ms")]
    private partial void LogWarmed(double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Facility tiles not warmed up; the first tile requests pay for it")]
    private partial void LogFailed(Exception e);
}
