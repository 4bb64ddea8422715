using System.Globalization;
using Npgsql;

namespace Accessibility.Api.Features.Tiles;

/// <summary>
/// The tile layers' change stamps, known in memory: one counter per layer, grid cell of 1/<see cref="CellsPerDegree"/>°
/// and writer slot in <c>tile_changes</c>, bumped by statement-level triggers (the TileChangeStamps migration), which
/// also <c>NOTIFY tile_changes</c> with the new values. This service LISTENs on one connection to the primary, loads
/// every counter when it (re)connects, and applies each notification as it arrives; a tile's stamp is the sum of the
/// counters of the cells its buffered envelope covers (<see cref="TileCells"/>), computed without a query.
/// <para>
/// Bound on staleness: a write is known here as soon as its notification arrives (milliseconds on one machine). While
/// the connection is down, not yet loaded, or a layer is being reloaded, <see cref="TryStamp"/> answers false and the
/// tile reads its stamp from the database. A silently dead connection is noticed by a ping after
/// <see cref="PingAfter"/> without a notification (at most that plus the ping's timeout, 15 s in all).
/// </para>
/// </summary>
public sealed partial class TileStamps(NpgsqlDataSource primary, ILogger<TileStamps> logger) : BackgroundService
{
    /// <summary>Grid cells per degree of longitude and latitude (the migration's factor 8: cells of about 14 km).</summary>
    public const int CellsPerDegree = 8;

    /// <summary>The cell every tile of a layer includes, touched by a TRUNCATE or a change of the inspection intervals.</summary>
    public const int Everywhere = 1_000_000;

    /// <summary>The notification channel of the triggers.</summary>
    public const string Channel = "tile_changes";

    /// <summary>How long the connection waits for a notification before it pings the server.</summary>
    public static readonly TimeSpan PingAfter = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private readonly Dictionary<string, LayerStamps> layers = new(StringComparer.Ordinal);
    private readonly HashSet<string> reloading = new(StringComparer.Ordinal);
    private volatile bool live;
    private long notifications;

    /// <summary>Notifications applied since the service started (tests wait on it instead of on time).</summary>
    public long Notifications => Interlocked.Read(ref notifications);

    /// <summary>Whether the stamps in memory follow the database (listening and loaded).</summary>
    public bool IsLive => live;

    /// <summary>
    /// The stamp of <paramref name="layer"/> over <paramref name="cells"/> from memory, or false when memory does not
    /// follow the database now (the caller reads it with <see cref="TileStampsSql.StampAsync"/>).
    /// </summary>
    public bool TryStamp(string layer, TileCells cells, out long stamp)
    {
        stamp = 0;
        if (!live)
        {
            return false;
        }

        lock (gate)
        {
            if (!live || reloading.Contains(layer))
            {
                return false;
            }

            if (layers.TryGetValue(layer, out var stamps))
            {
                stamp = stamps.Sum(cells);
            }

            return true;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Whatever broke the connection (the server restarted, the network, a migration not yet applied):
                // tiles read their stamps from the database meanwhile, and this tries again.
                live = false;
                LogLost(logger, e);
            }

            live = false;
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        live = false;
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        await using var connection = await primary.OpenConnectionAsync(ct);
        connection.Notification += (_, e) => Apply(e.Payload);
        await using (var listen = new NpgsqlCommand("LISTEN " + Channel, connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }

        // Loaded after LISTEN: a write committed in between is in the load or in a notification (both applied as a maximum).
        var all = await TileStampsSql.CountersAsync(connection, null, ct);
        lock (gate)
        {
            layers.Clear();
            reloading.Clear();
            foreach (var (layer, cx, cy, slot, changes) in all)
            {
                Layer(layer).Raise(cx, cy, slot, changes);
            }

            live = true;
        }

        while (true)
        {
            if (!await connection.WaitAsync(PingAfter, ct))
            {
                await using var ping = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = 5 };
                await ping.ExecuteScalarAsync(ct);
            }

            string[] pending;
            lock (gate)
            {
                pending = [.. reloading];
            }

            foreach (var layer in pending)
            {
                var counters = await TileStampsSql.CountersAsync(connection, layer, ct);
                lock (gate)
                {
                    foreach (var (_, cx, cy, slot, changes) in counters)
                    {
                        Layer(layer).Raise(cx, cy, slot, changes);
                    }

                    reloading.Remove(layer);
                }
            }
        }
    }

    /// <summary>Applies <c>layer slot cx:cy:changes …</c>, or marks the layer for a reload on <c>layer slot *</c>.</summary>
    private void Apply(string payload)
    {
        var parts = payload.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || !short.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var slot))
        {
            return;
        }

        lock (gate)
        {
            if (parts[2] == "*")
            {
                reloading.Add(parts[0]);
            }
            else
            {
                var stamps = Layer(parts[0]);
                foreach (var cell in parts.AsSpan(2))
                {
                    var fields = cell.Split(':');
                    if (fields.Length == 3
                        && int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var cx)
                        && int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var cy)
                        && long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var changes))
                    {
                        stamps.Raise(cx, cy, slot, changes);
                    }
                }
            }
        }

        Interlocked.Increment(ref notifications);
    }

    private LayerStamps Layer(string layer)
    {
        if (!layers.TryGetValue(layer, out var stamps))
        {
            layers[layer] = stamps = new LayerStamps();
        }

        return stamps;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tile change stamps: the LISTEN connection was lost; tiles read their stamps from the database until it is back")]
    private static partial void LogLost(ILogger logger, Exception exception);

    /// <summary>The counters of one layer: per cell and slot, and their sum per cell.</summary>
    private sealed class LayerStamps
    {
        private readonly Dictionary<(int X, int Y, short Slot), long> counters = [];
        private readonly Dictionary<(int X, int Y), long> cells = [];
        private long everywhere;

        /// <summary>Raises a counter to <paramref name="changes"/> (counters only grow; an older value is ignored).</summary>
        public void Raise(int cx, int cy, short slot, long changes)
        {
            var old = counters.GetValueOrDefault((cx, cy, slot));
            if (changes <= old)
            {
                return;
            }

            counters[(cx, cy, slot)] = changes;
            if (cx == Everywhere && cy == Everywhere)
            {
                everywhere += changes - old;
            }
            else
            {
                cells[(cx, cy)] = cells.GetValueOrDefault((cx, cy)) + changes - old;
            }
        }

        /// <summary>The sum over <paramref name="range"/> and the everywhere cell: walks the range or the known cells, whichever is fewer.</summary>
        public long Sum(TileCells range)
        {
            var sum = everywhere;
            if (range.Count <= cells.Count)
            {
                for (var x = range.X0; x <= range.X1; x++)
                {
                    for (var y = range.Y0; y <= range.Y1; y++)
                    {
                        sum += cells.GetValueOrDefault((x, y));
                    }
                }
            }
            else
            {
                foreach (var ((x, y), value) in cells)
                {
                    if (range.Contains(x, y))
                    {
                        sum += value;
                    }
                }
            }

            return sum;
        }
    }
}

/// <summary>
/// The grid cells (1/<see cref="TileStamps.CellsPerDegree"/>°) a tile's content may come from: its envelope grown by a
/// quarter of its side on every edge (the tile SQL reads at most an eighth: the ring of cluster cells at the coarse grid;
/// points read 1/16, roads 1/64), so every row drawn on the tile has its bounding box in these cells.
/// </summary>
public readonly record struct TileCells(int X0, int Y0, int X1, int Y1)
{
    /// <summary>How much of the tile's side is added on every edge.</summary>
    public const double Margin = 0.25;

    /// <summary>Number of cells.</summary>
    public long Count => (long)(X1 - X0 + 1) * (Y1 - Y0 + 1);

    /// <summary>Whether cell (<paramref name="x"/>, <paramref name="y"/>) is inside.</summary>
    public bool Contains(int x, int y) => x >= X0 && x <= X1 && y >= Y0 && y <= Y1;

    /// <summary>The cells of tile <paramref name="z"/>/<paramref name="x"/>/<paramref name="y"/> (Web Mercator, XYZ).</summary>
    public static TileCells Of(int z, int x, int y)
    {
        var n = (double)(1L << z);
        double Lon(double tx) => Math.Clamp(tx / n * 360 - 180, -180, 180);
        double Lat(double ty) => Math.Atan(Math.Sinh(Math.PI * (1 - 2 * Math.Clamp(ty, 0, n) / n))) * 180 / Math.PI;
        int Cell(double degrees) => (int)Math.Floor(degrees * TileStamps.CellsPerDegree);
        return new TileCells(
            Cell(Lon(x - Margin)), Cell(Lat(y + 1 + Margin)), Cell(Lon(x + 1 + Margin)), Cell(Lat(y - Margin)));
    }
}
