using Npgsql;

namespace Accessibility.Api.Features.Evidence;

/// <summary>
/// Every statement of the evidence package. Each is written once with <c>{table}</c> placeholders and read through
/// <see cref="Infrastructure.History.HistoryTables.Resolve"/> as of the package's date and knowledge
/// (<c>@as_of</c>, <c>@known_at</c>), so that a pinned package never changes. <c>@district</c> is the district's code
/// prefix with <c>%</c>; rows come ordered by id, so the same rows give the same bytes. Only public columns are
/// selected: the column lists are the redaction (no contact data, no people, nothing of households).
/// </summary>
public static class EvidenceSql
{
    /// <summary>Facilities not deleted at the date, with the last inspection by then and their defects' counts then.</summary>
    public const string Facilities = """
        SELECT t.id, t.kind, t.name, t.status, t.managing_unit, t.district_code, t.township_code, t.source, t.external_id,
               t.attributes::text, t.created_at, t.updated_at, li.inspected_at, li.result,
               (SELECT count(*) FROM {defects} d WHERE d.facility_id = t.id AND d.status IN ('open', 'assigned', 'fixed')),
               (SELECT count(*) FROM {defects} d WHERE d.facility_id = t.id AND d.status NOT IN ('open', 'assigned', 'fixed')),
               registry_output_geometry(t.geometry, NULL), ST_AsText(registry_output_geometry(t.geometry, NULL))
        FROM {facilities} t
        LEFT JOIN LATERAL (
            SELECT i.inspected_at, i.result FROM {inspections} i
            WHERE i.facility_id = t.id AND i.inspected_at <= @as_of
            ORDER BY i.inspected_at DESC, i.id DESC LIMIT 1) li ON true
        WHERE t.deleted_at IS NULL AND (t.district_code LIKE @district OR t.township_code LIKE @district)
        ORDER BY t.id
        """;

    /// <summary>Road segments not deleted at the date; length on the ellipsoid.</summary>
    public const string RoadSegments = """
        SELECT t.id, t.name, t.road_class, t.sidewalk_width_m, t.curb_ramp_start, t.curb_ramp_end, t.tactile_paving, t.surface,
               t.attributes::text, t.status, t.managing_unit, t.district_code, t.township_code, t.source, t.external_id,
               round(ST_Length(t.geometry::geography)::numeric, 2)::float8, t.created_at, t.updated_at,
               registry_output_geometry(t.geometry, NULL), ST_AsText(registry_output_geometry(t.geometry, NULL))
        FROM {road_segments} t
        WHERE t.deleted_at IS NULL AND (t.district_code LIKE @district OR t.township_code LIKE @district)
        ORDER BY t.id
        """;

    /// <summary>
    /// The district and its subdivisions that have a boundary, numbered by code. Districts keep no history: these are
    /// today's boundaries and populations (docs/history.md), which the README says.
    /// </summary>
    public const string Districts = """
        SELECT row_number() OVER (ORDER BY t.code), t.code, t.name,
               CASE t.level WHEN 1 THEN 'province' WHEN 2 THEN 'prefecture' WHEN 3 THEN 'county' ELSE 'township' END,
               t.parent_code, t.population::bigint, t.disabled_population::bigint, t.boundary_approximate, t.boundary_source,
               round((ST_Area(t.boundary::geography) / 1e6)::numeric, 3)::float8,
               registry_output_geometry(t.boundary, NULL), ST_AsText(registry_output_geometry(t.boundary, NULL))
        FROM districts t
        WHERE t.code LIKE @district AND t.boundary IS NOT NULL
        ORDER BY t.code
        """;

    /// <summary>Defects at the date, open and closed, of the district's facilities: no notes, events, photos or people.</summary>
    public const string Defects = """
        SELECT t.id, t.facility_id, t.district_code, t.item, t.severity, t.status,
               t.status IN ('open', 'assigned', 'fixed'), (t.status IN ('open', 'assigned') AND t.due_at < @as_of),
               t.due_at, t.managing_unit, t.created_at, t.updated_at, t.closed_at,
               registry_output_geometry(t.location, NULL), ST_AsText(registry_output_geometry(t.location, NULL))
        FROM {defects} t
        WHERE t.district_code LIKE @district
           OR t.facility_id IN (SELECT f.id FROM {facilities} f WHERE f.township_code LIKE @district)
        ORDER BY t.id
        """;

    /// <summary>
    /// Public reports at the date with the columns Open311 and OGC API publish, less the photo: never e-mail, phone, names,
    /// device, account or reporter key.
    /// </summary>
    public const string Reports = """
        SELECT t.id, t.service_code, CASE WHEN t.status IN ('closed', 'rejected') THEN 'closed' ELSE 'open' END, t.status,
               t.status_notes, t.description, t.address, t.district_code, t.township_code, t.requested_at, t.updated_at, t.closed_at,
               t.duplicate_of_id, (SELECT count(*) FROM {reports} x WHERE x.duplicate_of_id = t.id), t.me_too_count::bigint,
               t.facility_id, t.defect_id,
               registry_output_geometry(t.location, NULL), ST_AsText(registry_output_geometry(t.location, NULL))
        FROM {reports} t
        WHERE t.district_code LIKE @district OR t.township_code LIKE @district
        ORDER BY t.id
        """;

    /// <summary>Plan targets of the district and its subdivisions whose period contains the date's year, as they stood then.</summary>
    public const string PlanTargets = """
        SELECT t.id, t.district_code, t.indicator, t.title, t.kind, t.value, t.comparator, t.unit, t.period_start::bigint,
               t.period_end::bigint, t.binding, t.source_document, t.source_table, t.note
        FROM {plan_targets} t
        WHERE t.district_code LIKE @district AND t.period_start <= @year AND t.period_end >= @year
        ORDER BY t.id
        """;

    /// <summary>Whether district <paramref name="code"/> exists, and its name.</summary>
    public static async Task<string?> DistrictNameAsync(NpgsqlConnection connection, string code, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT name FROM districts WHERE code = @code", connection);
        command.Parameters.AddWithValue("code", code);
        return await command.ExecuteScalarAsync(ct) as string;
    }
}
