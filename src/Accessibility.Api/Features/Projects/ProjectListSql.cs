using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Projects;

/// <summary>What the public list of construction projects is filtered by.</summary>
/// <param name="Prefix">District prefix (<see cref="Auth.DistrictScope.Prefix"/>): the project's county or township starts with it.</param>
/// <param name="Stages">Stages to list (null: all).</param>
/// <param name="Type">Project type (null: all).</param>
/// <param name="Bbox">minLon, minLat, maxLon, maxLat (degrees), or null.</param>
/// <param name="Limit">Page size.</param>
/// <param name="Offset">Rows skipped.</param>
public sealed record ProjectListQuery(string? Prefix, string[]? Stages, string? Type, double[]? Bbox, int Limit, int Offset);

/// <summary>
/// The SQL of the public list of construction projects (<c>GET /api/v1/projects</c>), built in PostGIS. Only public
/// columns are selected: no user ids or names (registered, accepted, checked or granted by), no documents, no checkers,
/// no waiver reasons; the barrier-free status is counted from the checks and waivers. An open failure is an item judged
/// <c>fail</c> in the latest check of a planned facility (design review or acceptance) that no waiver covers.
/// </summary>
public static class ProjectListSql
{
    private const string Filtered = """
        WITH filtered AS (
          SELECT p.id, p.name, p.builder, p.project_type, p.works, p.district_code, p.township_code, p.geometry, p.stage,
                 p.planned_completion, p.barrier_free_compliant, p.accepted_at, p.updated_at
          FROM construction_projects p
          WHERE p.deleted_at IS NULL
            AND (@p::text IS NULL OR p.district_code LIKE @p OR p.township_code LIKE @p)
            AND (@stages::text[] IS NULL OR p.stage = ANY (@stages))
            AND (@type::text IS NULL OR p.project_type = @type)
            AND (@bbox::float8[] IS NULL OR p.geometry && ST_MakeEnvelope((@bbox::float8[])[1], (@bbox::float8[])[2], (@bbox::float8[])[3], (@bbox::float8[])[4], 4490))),
        page AS (SELECT * FROM filtered ORDER BY id LIMIT @limit OFFSET @offset),
        latest AS (
          SELECT DISTINCT ON (c.project_facility_id) c.project_id, c.project_facility_id, c.items
          FROM project_checks c WHERE c.project_id IN (SELECT id FROM page)
          ORDER BY c.project_facility_id, c.checked_at DESC, c.id DESC),
        rows AS (
          SELECT pg.*, d.name AS district_name, t.name AS township_name,
                 ST_X(ST_PointOnSurface(pg.geometry)) AS lon, ST_Y(ST_PointOnSurface(pg.geometry)) AS lat,
                 json_build_object(
                   'plannedFacilities', (SELECT count(*) FROM project_facilities f WHERE f.project_id = pg.id),
                   'checks', (SELECT count(*) FROM project_checks c WHERE c.project_id = pg.id),
                   'facilitiesChecked', (SELECT count(DISTINCT c.project_facility_id) FROM project_checks c WHERE c.project_id = pg.id),
                   'openFailures', (SELECT count(*) FROM latest l
                                    CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(l.items) = 'array' THEN l.items ELSE '[]'::jsonb END) i
                                    WHERE l.project_id = pg.id AND i->>'verdict' = 'fail'
                                      AND NOT EXISTS (SELECT 1 FROM project_waivers w
                                                      WHERE w.project_facility_id = l.project_facility_id AND w.item_code = i->>'item')),
                   'waivedItems', (SELECT count(*) FROM project_waivers w WHERE w.project_id = pg.id),
                   'compliant', pg.barrier_free_compliant) AS status
          FROM page pg
          JOIN districts d ON d.code = pg.district_code
          LEFT JOIN districts t ON t.code = pg.township_code),
        counts AS (SELECT (SELECT count(*) FROM filtered) AS matched, (SELECT count(*) FROM page) AS returned)
        """;

    /// <summary>The public properties of one project (<c>r</c>, a row of <c>rows</c>).</summary>
    private const string Properties = """
        json_build_object(
          'id', r.id, 'name', r.name, 'builder', r.builder, 'projectType', r.project_type, 'works', r.works,
          'districtCode', r.district_code, 'districtName', r.district_name, 'townshipCode', r.township_code, 'townshipName', r.township_name,
          'stage', r.stage, 'plannedCompletion', r.planned_completion,
          'acceptedAt', CASE WHEN r.accepted_at IS NULL THEN NULL
                             ELSE to_char(r.accepted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END,
          'updatedAt', to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
          'location', json_build_array(round(r.lon::numeric, 7), round(r.lat::numeric, 7)),
          'barrierFree', r.status)
        """;

    private const string Links = """
        json_build_array(json_build_object('rel', 'self', 'type', @mediaType, 'href', @self))::jsonb
          || CASE WHEN @offset + counts.returned < counts.matched
               THEN jsonb_build_array(jsonb_build_object('rel', 'next', 'type', @mediaType, 'href', @next)) ELSE '[]'::jsonb END
          || CASE WHEN @offset > 0
               THEN jsonb_build_array(jsonb_build_object('rel', 'prev', 'type', @mediaType, 'href', @prev)) ELSE '[]'::jsonb END
        """;

    private static readonly string ListStatement = new StringBuilder(Filtered).Append($"""
        SELECT json_build_object(
          'numberMatched', counts.matched, 'numberReturned', counts.returned, 'limit', @limit, 'offset', @offset,
          'links', {Links},
          'items', COALESCE((SELECT json_agg({Properties} ORDER BY r.id) FROM rows r), '[]'::json))::text
        FROM counts
        """).ToString();

    private static readonly string GeoJsonStatement = new StringBuilder(Filtered).Append($"""
        SELECT json_build_object(
          'type', 'FeatureCollection',
          'numberMatched', counts.matched, 'numberReturned', counts.returned,
          'links', {Links},
          'features', COALESCE((SELECT json_agg(json_build_object(
                        'type', 'Feature', 'id', r.id, 'geometry', ST_AsGeoJSON(registry_output_geometry(r.geometry, 7), 7)::json,
                        'properties', ({Properties}::jsonb - 'location')) ORDER BY r.id) FROM rows r), '[]'::json))::text
        FROM counts
        """).ToString();

    /// <summary>One page of the projects matching <paramref name="query"/> as JSON text: a list, or a GeoJSON FeatureCollection.</summary>
    public static async Task<string> PageAsync(
        NpgsqlConnection connection, ProjectListQuery query, bool geoJson, (string Self, string Next, string Prev) links, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(query);
        await using var command = new NpgsqlCommand(geoJson ? GeoJsonStatement : ListStatement, connection);
        command.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Text) { Value = query.Prefix is null ? DBNull.Value : query.Prefix + "%" });
        command.Parameters.Add(new NpgsqlParameter("stages", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)query.Stages ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("type", NpgsqlDbType.Text) { Value = (object?)query.Type ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("bbox", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = (object?)query.Bbox ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", query.Limit);
        command.Parameters.AddWithValue("offset", query.Offset);
        command.Parameters.AddWithValue("mediaType", geoJson ? "application/geo+json" : "application/json");
        command.Parameters.AddWithValue("self", links.Self);
        command.Parameters.AddWithValue("next", links.Next);
        command.Parameters.AddWithValue("prev", links.Prev);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }
}
