using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Districts;

/// <summary>
/// Every SQL statement of the Districts feature. Bounding boxes, areas and GeoJSON are computed in PostGIS;
/// areas are geodesic (<c>ST_Area(geography)</c>), so they hold to well under 0.5 %.
/// </summary>
public sealed class DistrictSql(NpgsqlDataSource dataSource)
{
    private const string SummaryColumns = """
        d.code, d.name, d.level, d.parent_code, d.population, d.disabled_population,
        d.boundary IS NOT NULL AS has_boundary, d.boundary_approximate,
        CASE WHEN d.boundary IS NULL THEN NULL
             ELSE ARRAY[ST_XMin(d.boundary), ST_YMin(d.boundary), ST_XMax(d.boundary), ST_YMax(d.boundary)] END AS bbox,
        CASE WHEN d.boundary IS NULL THEN NULL ELSE ST_Area(d.boundary::geography) / 1e6 END AS area_km2,
        (SELECT count(*) FROM districts c WHERE c.parent_code = d.code) AS child_count
        """;

    /// <summary>Districts filtered by parent, level and name fragment, ordered by code.</summary>
    public async Task<(IReadOnlyList<DistrictSummary> Items, long Total)> ListAsync(
        string? parentCode, DistrictLevel? level, string? nameContains, int limit, int offset, CancellationToken ct)
    {
        const string where = """
            WHERE (@parent::text IS NULL OR d.parent_code = @parent)
              AND (@level::smallint IS NULL OR d.level = @level)
              AND (@q::text IS NULL OR strpos(d.name, @q) > 0)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM districts d {where}", connection);
        AddFilters(count);
        var total = (long)(await count.ExecuteScalarAsync(ct))!;

        await using var list = new NpgsqlCommand($"SELECT {SummaryColumns} FROM districts d {where} ORDER BY d.code LIMIT @limit OFFSET @offset", connection);
        AddFilters(list);
        list.Parameters.AddWithValue("limit", limit);
        list.Parameters.AddWithValue("offset", offset);
        return (await ReadSummariesAsync(list, ct), total);

        void AddFilters(NpgsqlCommand c)
        {
            c.Parameters.Add(new NpgsqlParameter("parent", NpgsqlDbType.Text) { Value = (object?)parentCode ?? DBNull.Value });
            c.Parameters.Add(new NpgsqlParameter("level", NpgsqlDbType.Smallint) { Value = level is null ? DBNull.Value : (short)level });
            c.Parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Text) { Value = (object?)nameContains ?? DBNull.Value });
        }
    }

    /// <summary>One district, or null.</summary>
    public async Task<DistrictSummary?> GetAsync(string code, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT {SummaryColumns} FROM districts d WHERE d.code = @code");
        command.Parameters.AddWithValue("code", code);
        return (await ReadSummariesAsync(command, ct)).FirstOrDefault();
    }

    /// <summary>The district and its ancestors, from the province down.</summary>
    public async Task<IReadOnlyList<DistrictRef>> AncestorsAsync(string code, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            WITH RECURSIVE up AS (
                SELECT code, name, level, parent_code, 0 AS depth FROM districts WHERE code = @code
                UNION ALL
                SELECT d.code, d.name, d.level, d.parent_code, up.depth + 1 FROM districts d JOIN up ON d.code = up.parent_code)
            SELECT code, name, level FROM up WHERE depth > 0 ORDER BY depth DESC
            """);
        command.Parameters.AddWithValue("code", code);
        var result = new List<DistrictRef>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new DistrictRef(reader.GetString(0), reader.GetString(1), DistrictCodes.LevelName((DistrictLevel)reader.GetInt16(2))));
        }

        return result;
    }

    /// <summary>One district row's boundary as an RFC 7946 GeoJSON Feature (json), for the two reads below.</summary>
    private const string BoundaryFeature = """
        json_build_object(
            'type', 'Feature',
            'id', code,
            'geometry', ST_AsGeoJSON(registry_output_geometry(boundary, 6), 6)::json,
            'properties', json_build_object(
                'code', code, 'name', name,
                'level', CASE level WHEN 1 THEN 'province' WHEN 2 THEN 'prefecture' WHEN 3 THEN 'county' ELSE 'township' END,
                'boundaryApproximate', boundary_approximate, 'boundarySource', boundary_source,
                'areaKm2', round((ST_Area(boundary::geography) / 1e6)::numeric, 3)))
        """;

    /// <summary>The boundary as an RFC 7946 GeoJSON Feature (text), built by <c>ST_AsGeoJSON</c>; null when none is known.</summary>
    public async Task<string?> BoundaryFeatureAsync(string code, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {BoundaryFeature}::text
            FROM districts WHERE code = @code AND boundary IS NOT NULL
            """);
        command.Parameters.AddWithValue("code", code);
        return (string?)await command.ExecuteScalarAsync(ct);
    }

    /// <summary>
    /// The boundaries of a district's children as one GeoJSON FeatureCollection (text), in code order; children without
    /// a boundary are left out. The map panel's choropleth draws them all: one request instead of one per child.
    /// </summary>
    public async Task<string> ChildBoundariesAsync(string parentCode, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT json_build_object('type', 'FeatureCollection',
                                     'features', coalesce(json_agg({BoundaryFeature} ORDER BY code), '[]'::json))::text
            FROM districts WHERE parent_code = @code AND boundary IS NOT NULL
            """);
        command.Parameters.AddWithValue("code", parentCode);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Draws prefecture boundaries as the union of their counties, then province boundaries as the union of
    /// their prefectures, for parents whose every child with a code of its own level is loaded with a boundary
    /// (development zones never have one). Only parents without a boundary are touched.
    /// </summary>
    public async Task<int> DeriveParentBoundariesAsync(DistrictLevel level, IReadOnlyCollection<string> parentCodes, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE districts p
            SET boundary = u.boundary,
                boundary_approximate = u.approximate,
                boundary_source = 'union of its ' || CASE @level WHEN 2 THEN 'counties' ELSE 'prefectures' END
            FROM (
                SELECT c.parent_code AS code,
                       ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(c.boundary)), 3)) AS boundary,
                       bool_or(c.boundary_approximate) AS approximate
                FROM districts c
                WHERE c.level = @childLevel AND c.boundary IS NOT NULL AND c.parent_code = ANY(@parents)
                GROUP BY c.parent_code) u
            WHERE p.code = u.code AND p.level = @level AND p.boundary IS NULL
            """);
        command.Parameters.AddWithValue("level", (short)level);
        command.Parameters.AddWithValue("childLevel", (short)(level + 1));
        command.Parameters.AddWithValue("parents", parentCodes.ToArray());
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Districts whose boundary covers the point (CGCS2000 lon/lat), deepest level first.</summary>
    public async Task<IReadOnlyList<DistrictSummary>> ContainingAsync(double lon, double lat, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {SummaryColumns} FROM districts d
            WHERE d.boundary IS NOT NULL AND ST_Covers(d.boundary, ST_SetSRID(ST_MakePoint(@lon, @lat), 4490))
            ORDER BY d.level DESC, d.code
            """);
        command.Parameters.AddWithValue("lon", lon);
        command.Parameters.AddWithValue("lat", lat);
        return await ReadSummariesAsync(command, ct);
    }

    private static async Task<IReadOnlyList<DistrictSummary>> ReadSummariesAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var result = new List<DistrictSummary>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new DistrictSummary(
                reader.GetString(0),
                reader.GetString(1),
                DistrictCodes.LevelName((DistrictLevel)reader.GetInt16(2)),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetInt32(5),
                reader.GetBoolean(6),
                reader.GetBoolean(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<double[]>(8),
                reader.IsDBNull(9) ? null : Math.Round(reader.GetDouble(9), 3),
                reader.GetInt64(10)));
        }

        return result;
    }
}

/// <summary>A district as lists show it.</summary>
/// <param name="Code">GB/T 2260 code.</param>
/// <param name="Name">Chinese name.</param>
/// <param name="Level">province, prefecture, county or township.</param>
/// <param name="ParentCode">Parent's code.</param>
/// <param name="Population">Resident population, where known.</param>
/// <param name="DisabledPopulation">Registered disabled population, where known.</param>
/// <param name="HasBoundary">Whether a boundary is known.</param>
/// <param name="BoundaryApproximate">Whether the boundary is only approximate (drawn from older divisions).</param>
/// <param name="Bbox">[minLon, minLat, maxLon, maxLat] of the boundary.</param>
/// <param name="AreaKm2">Geodesic area of the boundary in km².</param>
/// <param name="ChildCount">Number of direct children.</param>
public sealed record DistrictSummary(
    string Code, string Name, string Level, string? ParentCode, int? Population, int? DisabledPopulation,
    bool HasBoundary, bool BoundaryApproximate, double[]? Bbox, double? AreaKm2, long ChildCount);

/// <summary>A reference to a district.</summary>
/// <param name="Code">GB/T 2260 code.</param>
/// <param name="Name">Chinese name.</param>
/// <param name="Level">province, prefecture, county or township.</param>
public sealed record DistrictRef(string Code, string Name, string Level);
