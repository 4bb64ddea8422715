using System.Globalization;
using Npgsql;

namespace Accessibility.Api.Tests.Coverage;

/// <summary>
/// Arranging demand and facilities in metres, on the hexagon grid the gap endpoints use for 城西街道 (140881001):
/// CGCS2000 3-degree Gauss–Krüger zone 37 (EPSG:4525, central meridian 111° E; the township's centre is at about
/// 110.45° E). ST_HexagonGrid with side s puts the centre of cell (i, j) at x = 1.5·s·i and
/// y = √3·s·j, plus √3·s/2 in odd columns, so neighbours' centres are √3·s apart (866 m for s = 500) and the
/// next ring 1.5 km (same row, two columns over) or 1.73 km (same column) away. Points are placed by their
/// offset from a cell centre and converted to CGCS2000 by PostGIS.
/// </summary>
internal static class GapFixture
{
    /// <summary>The township the fixtures live in.</summary>
    public const string Township = "140881001";

    /// <summary>The zone's EPSG code.</summary>
    public const int Epsg = 4525;

    /// <summary>Column of the reference cell A (even, so its row neighbours sit half a row higher).</summary>
    public const long I0 = 49930;

    /// <summary>Row of the reference cell A.</summary>
    public const long J0 = 4457;

    /// <summary>Centre of cell (i, j) for side <paramref name="side"/>, in zone metres.</summary>
    public static (double X, double Y) Centre(long i, long j, double side = 500) =>
        (1.5 * side * i, (Math.Sqrt(3) * side * j) + (i % 2 == 1 ? Math.Sqrt(3) / 2 * side : 0));

    /// <summary>The cell id the API uses.</summary>
    public static string Cell(long i, long j) => string.Create(CultureInfo.InvariantCulture, $"{i},{j}");

    /// <summary>
    /// Gives the township a boundary from 2 km west and south of cell A's centre to 7 km east and 4.5 km north of it
    /// (so every fixture point lies inside it and its centre is in zone 37) and clears the other data.
    /// </summary>
    public static async Task PrepareAsync(RegistryFixture registry)
    {
        await registry.ResetAsync();
        var (x, y) = Centre(I0, J0);
        await ExecAsync(registry, """
            UPDATE districts SET boundary = ST_Multi(ST_Transform(ST_Segmentize(ST_MakeEnvelope(@x - 2000, @y - 2000, @x + 7000, @y + 4500, 4525), 500), 4490))
            WHERE code = '140881001'
            """, ("x", x), ("y", y));
    }

    /// <summary>A facility at (dx, dy) metres from the centre of cell (i, j).</summary>
    public static Task FacilityAsync(
        RegistryFixture registry, string kind, string status, long i, long j, double dx = 0, double dy = 0, string name = "F",
        string county = "140881", string? township = Township)
    {
        var (x, y) = Centre(i, j);
        return ExecAsync(registry, """
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, township_code, source, external_id, created_at, updated_at)
            VALUES (@kind, @name, ST_Transform(ST_SetSRID(ST_MakePoint(@x, @y), 4525), 4490), '{}', @status, @county, @township, 'test',
                    @name || '-' || gen_random_uuid(), now(), now())
            """, ("kind", kind), ("name", name), ("x", x + dx), ("y", y + dy), ("status", status), ("county", county),
            ("township", (object?)township ?? DBNull.Value));
    }

    /// <summary>
    /// <paramref name="count"/> renovated (accepted) households around (dx, dy) from the centre of cell (i, j), 10 m
    /// apart, accepted at <paramref name="acceptedAt"/> (now when null), in <paramref name="township"/> of 永济市.
    /// </summary>
    public static Task HouseholdsAsync(
        RegistryFixture registry, int count, long i, long j, double dx = 0, double dy = 0, string status = "accepted", string acceptedAt = "now()",
        string township = Township)
    {
        var (x, y) = Centre(i, j);
        return ExecAsync(registry, $$"""
            INSERT INTO renovation_cases (district_code, township_code, status, status_changed_at, person_name, id_number_cipher, id_number_hash,
                                          birth_year, disability_category, disability_grade, mobility_aids, eligibility, lives_alone, address,
                                          location, barriers, items, identified_on, accepted_at, source, created_at, updated_at, photos_before, photos_after)
            SELECT '140881', @township, @status, now(), '测试户' || n, '\x00'::bytea, decode(md5(random()::text), 'hex'),
                   1950, 'physical', 1, '{}', 'dibao', false, '测试地址',
                   ST_Transform(ST_SetSRID(ST_MakePoint(@x + 10 * n, @y), 4525), 4490), '{}', '[]', current_date,
                   CASE WHEN @status IN ('accepted', 'followed_up') THEN {{acceptedAt}} END, 'test', now(), now(), '{}', '{}'
            FROM generate_series(0, @count - 1) n
            """, ("status", status), ("x", x + dx), ("y", y + dy), ("count", count), ("township", township));
    }

    /// <summary>The lon/lat of (dx, dy) metres from the centre of cell (i, j).</summary>
    public static async Task<(double Lon, double Lat)> LonLatAsync(RegistryFixture registry, long i, long j, double dx = 0, double dy = 0, double side = 500)
    {
        var (x, y) = Centre(i, j, side);
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(@x, @y), 4525), 4490) p", connection);
        command.Parameters.AddWithValue("x", x + dx);
        command.Parameters.AddWithValue("y", y + dy);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDouble(0), reader.GetDouble(1));
    }

    /// <summary>Runs a statement with named parameters in the test database.</summary>
    public static async Task ExecAsync(RegistryFixture registry, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
