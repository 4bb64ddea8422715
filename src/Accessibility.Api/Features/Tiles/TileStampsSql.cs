using Npgsql;

namespace Accessibility.Api.Features.Tiles;

/// <summary>Reads of the tile change counters (<c>tile_changes</c>, the TileChangeStamps migration); no PostGIS.</summary>
public static class TileStampsSql
{
    private const string Counters = "SELECT layer, cx, cy, slot, changes FROM tile_changes WHERE @layer::text IS NULL OR layer = @layer::text";

    // The everywhere cell is (Everywhere, Everywhere); the range never reaches it (cells lie within ±1,440).
    private const string Stamp = """
        SELECT COALESCE(sum(changes), 0)::bigint FROM tile_changes
        WHERE layer = @layer AND ((cx BETWEEN @x0 AND @x1 AND cy BETWEEN @y0 AND @y1) OR (cx = @everywhere AND cy = @everywhere))
        """;

    /// <summary>Every counter, or those of <paramref name="layer"/>.</summary>
    public static async Task<List<(string Layer, int Cx, int Cy, short Slot, long Changes)>> CountersAsync(
        NpgsqlConnection connection, string? layer, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Counters, connection);
        command.Parameters.AddWithValue("layer", NpgsqlTypes.NpgsqlDbType.Text, (object?)layer ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<(string, int, int, short, long)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt16(3), reader.GetInt64(4)));
        }

        return rows;
    }

    /// <summary>The stamp of <paramref name="layer"/> over <paramref name="cells"/>, as <see cref="TileStamps.TryStamp"/> sums it in memory.</summary>
    public static async Task<long> StampAsync(NpgsqlConnection connection, string layer, TileCells cells, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Stamp, connection);
        command.Parameters.AddWithValue("layer", layer);
        command.Parameters.AddWithValue("x0", cells.X0);
        command.Parameters.AddWithValue("x1", cells.X1);
        command.Parameters.AddWithValue("y0", cells.Y0);
        command.Parameters.AddWithValue("y1", cells.Y1);
        command.Parameters.AddWithValue("everywhere", TileStamps.Everywhere);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
