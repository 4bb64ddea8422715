using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Grids;

/// <summary>A community grid as read for an edit (the boundary stays in PostGIS).</summary>
/// <param name="Code">12-digit code.</param>
/// <param name="Name">Name.</param>
/// <param name="TownshipCode">Its township.</param>
/// <param name="CountyCode">Its county.</param>
/// <param name="PatrolIntervalDays">Days between patrols of each facility.</param>
/// <param name="Version">Version for If-Match (updated_at in microseconds).</param>
/// <param name="Boundary">Summary of the boundary for the audit log.</param>
public sealed record GridRecord(string Code, string Name, string TownshipCode, string CountyCode, int PatrolIntervalDays, long Version, BoundarySummary Boundary);

/// <summary>What the audit log keeps of a boundary: its size and place, not every vertex.</summary>
/// <param name="AreaM2">Geodesic area, m².</param>
/// <param name="Vertices">Number of vertices.</param>
/// <param name="Bbox">West, south, east, north.</param>
/// <param name="Centroid">Lon, lat of a point on it.</param>
public sealed record BoundarySummary(double AreaM2, int Vertices, double[] Bbox, double[] Centroid);

/// <summary>Every SQL statement of the Grids feature; GeoJSON is built by PostGIS.</summary>
internal static class GridSql
{
    private const string FeatureJson = """
        json_build_object(
          'type', 'Feature',
          'id', g.code,
          'geometry', ST_AsGeoJSON(registry_output_geometry(g.boundary, 7), 7)::json,
          'properties', json_build_object(
            'code', g.code, 'name', g.name, 'townshipCode', g.township_code, 'townshipName', t.name,
            'countyCode', g.county_code, 'patrolIntervalDays', g.patrol_interval_days,
            'facilityCount', (SELECT count(*) FROM facilities f WHERE f.grid_code = g.code AND f.deleted_at IS NULL),
            'roadSegmentCount', (SELECT count(*) FROM road_segments r WHERE r.grid_code = g.code AND r.deleted_at IS NULL),
            'areaM2', round(ST_Area(g.boundary::geography)::numeric, 0),
            'source', g.source, 'updatedAt', g.updated_at))
        """;

    /// <summary>Version of a grid for If-Match: its updated_at in microseconds.</summary>
    internal const string VersionExpression = "(extract(epoch FROM g.updated_at) * 1000000)::bigint";

    /// <summary>Grids of a county and/or township as a FeatureCollection, ordered by code.</summary>
    internal static async Task<string> CollectionAsync(NpgsqlDataSource dataSource, string? county, string? township, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg({FeatureJson} ORDER BY g.code), '[]'::json))::text
            FROM community_grids g JOIN districts t ON t.code = g.township_code
            WHERE (@county::text IS NULL OR g.county_code = @county) AND (@township::text IS NULL OR g.township_code = @township)
            """);
        command.Parameters.Add(new NpgsqlParameter("county", NpgsqlDbType.Text) { Value = (object?)county ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("township", NpgsqlDbType.Text) { Value = (object?)township ?? DBNull.Value });
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>One grid as a GeoJSON Feature and its version; null when there is none.</summary>
    internal static async Task<(string Feature, long Version)?> FeatureAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string code, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {FeatureJson}::text, {VersionExpression}
            FROM community_grids g JOIN districts t ON t.code = g.township_code WHERE g.code = @code
            """, connection, transaction);
        command.Parameters.AddWithValue("code", code);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    /// <summary>One grid for an edit (locked for the transaction), or null.</summary>
    internal static async Task<GridRecord?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string code, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT g.code, g.name, g.township_code, g.county_code, g.patrol_interval_days, {VersionExpression},
                   ST_Area(g.boundary::geography), ST_NPoints(g.boundary),
                   ST_XMin(g.boundary), ST_YMin(g.boundary), ST_XMax(g.boundary), ST_YMax(g.boundary),
                   ST_X(ST_PointOnSurface(g.boundary)), ST_Y(ST_PointOnSurface(g.boundary))
            FROM community_grids g WHERE g.code = @code FOR UPDATE
            """, connection, transaction);
        command.Parameters.AddWithValue("code", code);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new GridRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetInt64(5),
            new BoundarySummary(Math.Round(reader.GetDouble(6)), reader.GetInt32(7),
                [reader.GetDouble(8), reader.GetDouble(9), reader.GetDouble(10), reader.GetDouble(11)], [reader.GetDouble(12), reader.GetDouble(13)]));
    }

    /// <summary>Serializes the grid writes of a county (the overlap check reads the county's grids).</summary>
    internal static async Task LockCountyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string county, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('community_grids:' || @county))", connection, transaction);
        command.Parameters.AddWithValue("county", county);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The next free 3-digit grid code of a township (001 … 999), or null when all are taken.</summary>
    internal static async Task<string?> NextCodeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string township, IReadOnlyCollection<string> alsoTaken, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT @township || lpad(n::text, 3, '0') FROM generate_series(1, 999) n
            WHERE NOT EXISTS (SELECT 1 FROM community_grids g WHERE g.code = @township || lpad(n::text, 3, '0'))
              AND NOT (@township || lpad(n::text, 3, '0')) = ANY(@taken)
            ORDER BY n LIMIT 1
            """, connection, transaction);
        command.Parameters.AddWithValue("township", township);
        command.Parameters.Add(new NpgsqlParameter("taken", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = alsoTaken.ToArray() });
        return (string?)await command.ExecuteScalarAsync(ct);
    }

    /// <summary>Whether a grid has the code.</summary>
    internal static async Task<bool> ExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string code, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM community_grids WHERE code = @code)", connection, transaction);
        command.Parameters.AddWithValue("code", code);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Adds a grid.</summary>
    internal static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string code, string name, int patrolIntervalDays, Geometry boundary, string source, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO community_grids (code, name, township_code, county_code, boundary, patrol_interval_days, source)
            VALUES (@code, @name, left(@code, 9), left(@code, 6), ST_Multi(@boundary), @interval, @source)
            """, connection, transaction);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("boundary", boundary);
        command.Parameters.AddWithValue("interval", patrolIntervalDays);
        command.Parameters.AddWithValue("source", source);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Changes a grid's name, patrol interval and (when given) boundary.</summary>
    internal static async Task UpdateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string code, string name, int patrolIntervalDays, Geometry? boundary, string? source, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE community_grids SET name = @name, patrol_interval_days = @interval,
              boundary = coalesce(ST_Multi(@boundary), boundary), source = coalesce(@source, source), updated_at = clock_timestamp()
            WHERE code = @code
            """, connection, transaction);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("interval", patrolIntervalDays);
        command.Parameters.Add(new NpgsqlParameter("boundary", NpgsqlDbType.Geometry) { Value = (object?)boundary ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("source", NpgsqlDbType.Text) { Value = (object?)source ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Removes a grid (its facilities' and roads' grid_code become null by the foreign key).</summary>
    internal static async Task DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string code, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("DELETE FROM community_grids WHERE code = @code", connection, transaction);
        command.Parameters.AddWithValue("code", code);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Places the county's facilities and road segments in its grids again; how many changed grid.</summary>
    internal static async Task<long> PlaceInGridsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string county, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT registry_place_in_grids(@county)", connection, transaction);
        command.Parameters.AddWithValue("county", county);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A township: its name and county; null when the code is not a township.</summary>
    internal static async Task<(string Name, string County)?> TownshipAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string code, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT name, parent_code FROM districts WHERE code = @code AND level = 4", connection, transaction);
        command.Parameters.AddWithValue("code", code);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && !reader.IsDBNull(1) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>The townships of a county: whether each has a boundary (and from where) and how many grids.</summary>
    internal static async Task<IReadOnlyList<TownshipRow>> TownshipsAsync(NpgsqlDataSource dataSource, string county, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT t.code, t.name, t.boundary IS NOT NULL, t.boundary_source,
                   (SELECT count(*) FROM community_grids g WHERE g.township_code = t.code)
            FROM districts t WHERE t.parent_code = @county AND t.level = 4 ORDER BY t.code
            """);
        command.Parameters.AddWithValue("county", county);
        var rows = new List<TownshipRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new TownshipRow(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4)));
        }

        return rows;
    }

    /// <summary>The grids of a county, by code, with their facility counts.</summary>
    internal static async Task<IReadOnlyList<GridRow>> GridsAsync(NpgsqlDataSource dataSource, string county, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT g.code, g.name, g.township_code, g.patrol_interval_days,
                   (SELECT count(*) FROM facilities f WHERE f.grid_code = g.code AND f.deleted_at IS NULL),
                   round(ST_Area(g.boundary::geography))::bigint
            FROM community_grids g WHERE g.county_code = @county ORDER BY g.code
            """);
        command.Parameters.AddWithValue("county", county);
        var rows = new List<GridRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new GridRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt64(4), reader.GetInt64(5)));
        }

        return rows;
    }

    /// <summary>A grid for its edit form: name, township, interval, boundary as GeoJSON geometry text, version.</summary>
    internal static async Task<(string Name, string Township, int Interval, string Geometry, long Version)?> GridFormAsync(NpgsqlDataSource dataSource, string code, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT g.name, g.township_code, g.patrol_interval_days, ST_AsGeoJSON(registry_output_geometry(g.boundary, 7), 7), {VersionExpression}
            FROM community_grids g WHERE g.code = @code
            """);
        command.Parameters.AddWithValue("code", code);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt64(4)) : null;
    }

    /// <summary>A township for its boundary form: name, county, boundary as GeoJSON geometry text (null when none).</summary>
    internal static async Task<(string Name, string County, string? Geometry)?> TownshipFormAsync(NpgsqlDataSource dataSource, string code, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT name, parent_code, ST_AsGeoJSON(registry_output_geometry(boundary, 7), 7) FROM districts WHERE code = @code AND level = 4
            """);
        command.Parameters.AddWithValue("code", code);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && !reader.IsDBNull(1)
            ? (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
    }
}

/// <summary>A township in the grids page.</summary>
/// <param name="Code">9-digit code.</param>
/// <param name="Name">Name.</param>
/// <param name="HasBoundary">Whether it has a boundary.</param>
/// <param name="BoundarySource">Where the boundary came from.</param>
/// <param name="GridCount">How many grids it has.</param>
public sealed record TownshipRow(string Code, string Name, bool HasBoundary, string? BoundarySource, long GridCount);

/// <summary>A grid in the grids page.</summary>
/// <param name="Code">12-digit code.</param>
/// <param name="Name">Name.</param>
/// <param name="TownshipCode">Its township.</param>
/// <param name="PatrolIntervalDays">Days between patrols.</param>
/// <param name="FacilityCount">Facilities placed in it.</param>
/// <param name="AreaM2">Area in m².</param>
public sealed record GridRow(string Code, string Name, string TownshipCode, int PatrolIntervalDays, long FacilityCount, long AreaM2);
