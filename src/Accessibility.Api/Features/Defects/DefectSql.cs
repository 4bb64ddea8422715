using System.Text;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Npgsql;

namespace Accessibility.Api.Features.Defects;

/// <summary>
/// Every SQL statement of the defects feature; JSON is built in PostgreSQL (<c>json_build_object</c>,
/// <c>json_agg</c>), values are always parameters.
/// </summary>
public static class DefectSql
{
    /// <summary>
    /// One defect (<c>d</c> is the <c>defects</c> row alias) as the API's Defect object, with its history oldest
    /// first. <c>overdue</c>: open or assigned past its due date (a fixed defect awaits verification, not the unit).
    /// <c>location</c> is [lon, lat] rounded to 7 decimals
    /// (<see href="https://postgis.net/docs/ST_X.html">ST_X</see>/<c>ST_Y</c>).
    /// </summary>
    internal const string DefectJson = """
        json_build_object(
          'id', d.id,
          'facilityId', d.facility_id,
          'facilityName', (SELECT fx.name FROM facilities fx WHERE fx.id = d.facility_id),
          'facilityKind', (SELECT fx.kind FROM facilities fx WHERE fx.id = d.facility_id),
          'districtCode', d.district_code,
          'inspectionId', d.inspection_id,
          'item', d.item,
          'severity', d.severity,
          'status', d.status,
          'dueAt', d.due_at,
          'overdue', (d.status IN ('open', 'assigned') AND d.due_at < now()),
          'managingUnit', d.managing_unit,
          'createdAt', d.created_at,
          'updatedAt', d.updated_at,
          'closedAt', d.closed_at,
          'location', json_build_array(round(ST_X(d.location)::numeric, 7), round(ST_Y(d.location)::numeric, 7)),
          'history', COALESCE((SELECT json_agg(json_build_object(
              'at', e.at, 'actor', CASE WHEN @staff_names THEN e.actor END, 'from', e.from_status, 'to', e.to_status, 'note', e.note,
              'photoIds', e.photo_ids, 'inspectionId', e.inspection_id) ORDER BY e.at, e.id)
            FROM defect_events e WHERE e.defect_id = d.id), '[]'::json))
        """;

    /// <summary>Unclosed defects of facility <c>f</c>, short form, for the facility's GeoJSON <c>openDefects</c>.</summary>
    internal const string OpenDefectsOfFacility = """
        COALESCE((SELECT jsonb_agg(jsonb_build_object('id', d.id, 'item', d.item, 'severity', d.severity, 'status', d.status, 'dueAt', d.due_at)
                  ORDER BY d.due_at, d.id)
                  FROM defects d WHERE d.facility_id = f.id AND d.status IN ('open', 'assigned', 'fixed')), '[]'::jsonb)
        """;

    /// <summary>Number of unclosed (open, assigned, fixed) defects of facility <c>f</c>.</summary>
    internal const string OpenDefectCountOfFacility =
        "(SELECT count(*) FROM defects d WHERE d.facility_id = f.id AND d.status IN ('open', 'assigned', 'fixed'))";

    /// <summary>One defect as JSON with its district, or null.</summary>
    /// <remarks>Staff who acted are named only when <paramref name="staffNames"/>.</remarks>
    public static async Task<(string Json, string DistrictCode)?> ByIdAsync(NpgsqlConnection connection, long id, bool staffNames, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("SELECT " + DefectJson + "::text, d.district_code FROM defects d WHERE d.id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("staff_names", staffNames);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>
    /// A page of defects, most urgent first (due date, then id), as <c>{"defects":[…],"total","limit","offset"}</c>,
    /// filtered by district prefix, status, severity, managing unit and overdue.
    /// </summary>
    /// <remarks>Staff who acted are named only when <paramref name="staffNames"/>.</remarks>
    public static async Task<string> ListAsync(NpgsqlConnection connection, DefectFilter filter, int limit, int offset, bool staffNames, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(filter);
        await using var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder("WITH filtered AS (SELECT d.* FROM defects d WHERE true");
        AppendFilter(sql, command, filter);
        sql.Append("""
            ), page AS (SELECT * FROM filtered d ORDER BY d.due_at, d.id LIMIT @limit OFFSET @offset)
            SELECT json_build_object(
              'defects', COALESCE((SELECT json_agg(
            """).Append(DefectJson).Append("""
             ORDER BY d.due_at, d.id) FROM page d), '[]'::json),
              'total', (SELECT count(*) FROM filtered), 'limit', @limit, 'offset', @offset)::text
            """);
        command.CommandText = sql.ToString();
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("offset", offset);
        command.Parameters.AddWithValue("staff_names", staffNames);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Defect figures for a district (prefix; a township's through its facilities), in one statement: unclosed (<c>open</c>: open, assigned or fixed),
    /// <c>overdue</c>, by status, by severity, by managing unit, and the median days to repair of verified defects
    /// — found to first reported fixed (or to verified when no fix was reported) — with
    /// <see href="https://www.postgresql.org/docs/current/functions-aggregate.html">percentile_cont(0.5)</see>.
    /// With <paramref name="asOf"/>, the figures as they stood at the end of that day: the defects and facilities then,
    /// overdue against then, the fixes reported by then (docs/history.md).
    /// </summary>
    public static async Task<string> StatsAsync(NpgsqlConnection connection, string? districtPrefix, CancellationToken ct, ReadScope? readScope = null, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            WITH scoped AS (
              SELECT d.*, d.status IN ('open', 'assigned', 'fixed') AS active,
                     d.status IN ('open', 'assigned') AND d.due_at < {now} AS late
              FROM {defects} d
              WHERE (@district::text IS NULL OR d.district_code LIKE @district
                     OR EXISTS (SELECT 1 FROM {facilities} f WHERE f.id = d.facility_id AND f.township_code LIKE @district))
                AND (@read_scope::text[] IS NULL OR d.district_code LIKE ANY(@read_scope))),
            repaired AS (
              SELECT extract(epoch FROM COALESCE(
                       (SELECT min(e.at) FROM defect_events e WHERE e.defect_id = s.id AND e.to_status = 'fixed' AND e.at <= {now}),
                       s.closed_at) - s.created_at) / 86400.0 AS days
              FROM scoped s WHERE s.status = 'verified')
            SELECT json_build_object(
              'open', (SELECT count(*) FROM scoped WHERE active),
              'overdue', (SELECT count(*) FROM scoped WHERE late),
              'byStatus', (SELECT json_object_agg(st, (SELECT count(*) FROM scoped WHERE status = st))
                           FROM unnest(ARRAY['open', 'assigned', 'fixed', 'verified', 'rejected']) st),
              'bySeverity', (SELECT json_object_agg(sv, (SELECT count(*) FROM scoped WHERE active AND severity = sv))
                             FROM unnest(ARRAY['critical', 'major', 'minor']) sv),
              'byManagingUnit', COALESCE((SELECT json_agg(json_build_object('managingUnit', u.unit, 'open', u.open, 'overdue', u.overdue)
                                           ORDER BY u.open DESC, u.unit NULLS LAST)
                                          FROM (SELECT managing_unit AS unit, count(*) AS open, count(*) FILTER (WHERE late) AS overdue
                                                FROM scoped WHERE active GROUP BY managing_unit) u), '[]'::json),
              'repaired', (SELECT count(*) FROM repaired),
              'medianDaysToRepair', (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY days)::numeric, 1) FROM repaired))::text
            """;
        await using var command = AsOfStatement.Command(sql, connection, asOf);
        command.Parameters.Add(new NpgsqlParameter("district", NpgsqlTypes.NpgsqlDbType.Text) { Value = districtPrefix is null ? DBNull.Value : districtPrefix + "%" });
        command.Parameters.Add((readScope ?? ReadScope.Everything).Parameter());
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Appends the list filters on alias <c>d</c>; the exports use them too.</summary>
    internal static void AppendFilter(StringBuilder sql, NpgsqlCommand command, DefectFilter filter)
    {
        (filter.Scope ?? ReadScope.Everything).AppendFilter(sql, command, "d.district_code");
        if (filter.DistrictPrefix is { } prefix)
        {
            // Digits only (checked by the caller): no LIKE wildcard can sneak in.
            sql.Append(" AND d.district_code LIKE @district");
            command.Parameters.AddWithValue("district", prefix + "%");
        }

        if (filter.Status is { } status)
        {
            sql.Append(" AND d.status = @status");
            command.Parameters.AddWithValue("status", status);
        }

        if (filter.Severity is { } severity)
        {
            sql.Append(" AND d.severity = @severity");
            command.Parameters.AddWithValue("severity", severity);
        }

        if (filter.ManagingUnit is { } unit)
        {
            sql.Append(" AND d.managing_unit = @unit");
            command.Parameters.AddWithValue("unit", unit);
        }

        if (filter.FacilityId is { } facility)
        {
            sql.Append(" AND d.facility_id = @facility");
            command.Parameters.AddWithValue("facility", facility);
        }

        if (filter.Overdue is { } overdue)
        {
            sql.Append(overdue ? " AND" : " AND NOT").Append(" (d.status IN ('open', 'assigned') AND d.due_at < now())");
        }
    }
}

/// <summary>Filters of the defect list, already validated.</summary>
/// <param name="DistrictPrefix">District code prefix.</param>
/// <param name="Status">Status.</param>
/// <param name="Severity">Severity.</param>
/// <param name="ManagingUnit">Managing unit, exact.</param>
/// <param name="Overdue">Only overdue (true) or not overdue (false).</param>
/// <param name="FacilityId">Facility.</param>
/// <param name="Scope">The districts the caller may read (<see cref="ReadScope"/>); null for every district.</param>
public sealed record DefectFilter(
    string? DistrictPrefix, string? Status, string? Severity, string? ManagingUnit, bool? Overdue, long? FacilityId, ReadScope? Scope = null);
