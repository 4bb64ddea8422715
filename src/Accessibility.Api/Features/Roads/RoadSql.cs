using System.Text;
using Accessibility.Api.Features.Facilities;
using Npgsql;

namespace Accessibility.Api.Features.Roads;

/// <summary>
/// Every SQL statement of the road-segment feature; GeoJSON built in PostGIS as for facilities
/// (<see cref="FacilitySql"/>, whose district lookup and list filters are shared).
/// </summary>
public static class RoadSql
{
    /// <summary>
    /// One <c>road_segments</c> row (alias <c>r</c>) as a GeoJSON Feature. <c>lengthM</c> is the
    /// geodesic length on the CGCS2000 ellipsoid
    /// (<see href="https://postgis.net/docs/ST_Length.html">ST_Length</see> on geography), in metres, 2 decimals.
    /// </summary>
    internal const string FeatureJson = """
        json_build_object(
          'type', 'Feature',
          'id', r.id,
          'geometry', ST_AsGeoJSON(registry_output_geometry(r.geometry, 7), 7, 0)::json,
          'properties', json_build_object(
            'id', r.id,
            'name', r.name,
            'roadClass', r.road_class,
            'sidewalkWidthM', r.sidewalk_width_m,
            'curbRampStart', r.curb_ramp_start,
            'curbRampEnd', r.curb_ramp_end,
            'tactilePaving', r.tactile_paving,
            'surface', r.surface,
            'attributes', r.attributes,
            'status', r.status,
            'managingUnit', r.managing_unit,
            'districtCode', r.district_code,
            'townshipCode', r.township_code,
            'source', r.source,
            'externalId', r.external_id,
            'lengthM', round(ST_Length(r.geometry::geography)::numeric, 2),
            'version', r.xmin::text::bigint,
            'createdAt', r.created_at,
            'updatedAt', r.updated_at))
        """;

    /// <summary>One road segment as a GeoJSON Feature, deleted or not; null when no row has that id.</summary>
    public static async Task<StoredFeature?> FeatureByIdAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = "SELECT " + FeatureJson + "::text, r.deleted_at IS NOT NULL, r.xmin::text::bigint, r.district_code FROM road_segments r WHERE r.id = @id";
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return await StoredFeature.ReadAsync(command, ct);
    }

    /// <summary>
    /// A page of road segments as one GeoJSON FeatureCollection, one statement: not deleted,
    /// bbox (<c>ST_MakeEnvelope(…, 4490)</c>, GiST), district prefix, road class, status; ordered
    /// by id; <c>numberMatched</c>, <c>numberReturned</c>, <c>next</c>/<c>prev</c> links.
    /// </summary>
    public static async Task<string> FeatureCollectionAsync(NpgsqlConnection connection, FeatureQuery query, PageLinks links, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(links);
        // A CTE has no system columns, so the row version (xmin) is carried as an ordinary column of that name.
        var sql = new StringBuilder("WITH filtered AS (SELECT r.*, r.xmin AS xmin FROM road_segments r WHERE r.deleted_at IS NULL");
        await using var command = new NpgsqlCommand { Connection = connection };
        FacilitySql.AppendFilters(sql, command, query, "r", "road_class");
        sql.Append("""
            ),
            page AS (SELECT * FROM filtered r ORDER BY r.id LIMIT @limit OFFSET @offset),
            counts AS (SELECT (SELECT count(*) FROM filtered) AS matched, (SELECT count(*) FROM page) AS returned)
            SELECT json_build_object(
              'type', 'FeatureCollection',
              'numberMatched', counts.matched,
              'numberReturned', counts.returned,
              'timeStamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
              'links', json_build_array(json_build_object('rel', 'self', 'type', 'application/geo+json', 'href', @self))::jsonb
                || CASE WHEN @offset + counts.returned < counts.matched
                     THEN jsonb_build_array(jsonb_build_object('rel', 'next', 'type', 'application/geo+json', 'href', @next)) ELSE '[]'::jsonb END
                || CASE WHEN @offset > 0
                     THEN jsonb_build_array(jsonb_build_object('rel', 'prev', 'type', 'application/geo+json', 'href', @prev)) ELSE '[]'::jsonb END,
              'features', COALESCE((SELECT json_agg(
            """);
        sql.Append(FeatureJson);
        sql.Append(" ORDER BY r.id) FROM page r), '[]'::json))::text FROM counts");
        command.CommandText = sql.ToString();
        command.Parameters.AddWithValue("limit", query.Limit);
        command.Parameters.AddWithValue("offset", query.Offset);
        command.Parameters.AddWithValue("self", links.Self);
        command.Parameters.AddWithValue("next", links.Next);
        command.Parameters.AddWithValue("prev", links.Prev);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }
}
