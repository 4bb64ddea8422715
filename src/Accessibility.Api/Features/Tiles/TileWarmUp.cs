using Npgsql;

namespace Accessibility.Api.Features.Tiles;

/// <summary>
/// Warms the tile path at start, before the service listens (hosted services start before the server:
/// dotnet/aspnetcore#36122): on each of <see cref="PooledConnections"/> pooled connections two facility tiles are
/// rendered once and thrown away, the kept-cells statement (zooms 0–15) and the raw one (16 and closer). That compiles
/// the tile code, prepares both statements on each connection (a plan each, tens of ms), and makes PostGIS set up its
/// CGCS2000 → Web Mercator transformation in each backend (PROJ's first <c>ST_Transform</c> in a backend: 107 ms, then
/// 0.3 ms). The first tiles after a start paid for all of it: 240 ms at zoom 0 on the 1 M bench against 10–20 ms for
/// the next (bench/README.md, session 8). Nothing is
/// cached: a tile's cache entry is made by its request only. A backend the pool opens later (after 5 idle minutes Npgsql
/// closes what is not used) pays PROJ's set-up on its first tile. A failure here is logged and the service starts all
/// the same; the first requests then pay, as before.
/// </summary>
public sealed partial class TileWarmUp(NpgsqlDataSource primary, ILogger<TileWarmUp> logger) : IHostedService
{
    /// <summary>Connections warmed: a few requests' worth on 2 cores (the pool opens more under load).</summary>
    public const int PooledConnections = 4;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // Opened at once, so that the pool holds that many distinct backends; returned to it when done.
            var opening = Enumerable.Range(0, PooledConnections).Select(_ => primary.OpenConnectionAsync(cancellationToken).AsTask()).ToArray();
            try
            {
                var connections = await Task.WhenAll(opening);
                // On each: (0, 0, 0), the world, read from the kept cells, and (16, 0, 0), a tile of the Arctic Ocean off
                // Alaska's north (no facility there), through the raw statement; each statement is prepared per connection.
                await Task.WhenAll(connections.Select(async connection =>
                {
                    await TileSql.TileAsync(connection, "facilities", 0, 0, 0, null, cancellationToken);
                    await TileSql.TileAsync(connection, "facilities", 16, 0, 0, null, cancellationToken);
                }));
            }
            finally
            {
                foreach (var open in opening.Where(t => t.IsCompletedSuccessfully))
                {
                    await open.Result.DisposeAsync();
                }
            }

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
