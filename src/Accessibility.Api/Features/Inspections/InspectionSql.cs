using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Inspections;

/// <summary>
/// Every SQL statement of the inspections feature: inspections as JSON built in PostgreSQL, the inspection
/// state of facilities (schedule, worklist, facility GeoJSON), photo checks. Values are always parameters.
/// </summary>
public static class InspectionSql
{
    /// <summary>
    /// One inspection (<c>i</c> is the <c>inspections</c> row alias) as the API returns it, with the defects it
    /// created, verified or reopened (those with a history entry pointing at it).
    /// </summary>
    internal const string InspectionJson = """
        json_build_object(
          'id', i.id,
          'clientId', i.client_id,
          'facilityId', i.facility_id,
          'facilityName', (SELECT fx.name FROM facilities fx WHERE fx.id = i.facility_id),
          'facilityKind', (SELECT fx.kind FROM facilities fx WHERE fx.id = i.facility_id),
          'districtCode', i.district_code,
          'inspectedAt', i.inspected_at,
          'inspector', CASE WHEN @staff_names THEN json_build_object('id', i.inspector_user_id, 'name', i.inspector_name) END,
          'result', i.result,
          'facilityStatus', i.facility_status,
          'answers', i.answers,
          'note', i.note,
          'photoIds', i.photo_ids,
          'source', i.source,
          'createdAt', i.created_at,
          'defects', COALESCE((SELECT json_agg(
        """ + DefectSql.DefectJson + """
         ORDER BY d.id) FROM defects d WHERE d.id IN (SELECT e.defect_id FROM defect_events e WHERE e.inspection_id = i.id)), '[]'::json))
        """;

    /// <summary>
    /// Last inspection time of facility <c>f</c>, kept in <c>facility_state</c> by triggers on inspections (migration
    /// FacilityTileState): the same as <c>max(inspected_at)</c> of its inspections, read by key.
    /// </summary>
    internal const string LastInspectedAt = "(SELECT fst.last_inspected_at FROM facility_state fst WHERE fst.facility_id = f.id)";

    /// <summary>Result (pass/fail) of the latest inspection of facility <c>f</c>.</summary>
    internal const string LastInspectionResult =
        "(SELECT i.result FROM inspections i WHERE i.facility_id = f.id ORDER BY i.inspected_at DESC, i.id DESC LIMIT 1)";

    /// <summary>
    /// The inspection state of a due date (<paramref name="due"/>, a SQL expression; null when never inspected) now:
    /// <c>never</c>, <c>overdue</c> (due date passed), <c>due_soon</c> (due within 30 days) or <c>on_time</c>.
    /// </summary>
    internal static string StateOfDue(string due) => "CASE WHEN " + due + " IS NULL THEN 'never' WHEN " + due + " < now() THEN 'overdue'"
        + " WHEN " + due + " < now() + interval '30 days' THEN 'due_soon' ELSE 'on_time' END";

    /// <summary>
    /// Inspection state of facility <c>f</c> (<see cref="StateOfDue"/>). Its due date (last inspection plus its kind's
    /// interval, 12 months when the kind has none) is kept in <c>facility_state</c> by triggers on inspections,
    /// facilities and facility_kind_intervals in the writing transaction, and judged against <c>now()</c> here, so the
    /// state is never stale; one index lookup per row instead of two correlated aggregates. Current state only: an
    /// as-of read judges inspections carried out by then (<see cref="StatesCte"/>).
    /// </summary>
    internal const string InspectionState = "(SELECT CASE WHEN fst.due_at IS NULL THEN 'never' WHEN fst.due_at < now() THEN 'overdue'"
        + " WHEN fst.due_at < now() + interval '30 days' THEN 'due_soon' ELSE 'on_time' END FROM facility_state fst WHERE fst.facility_id = f.id)";

    /// <summary><see cref="InspectionState"/> of the facility row alias <paramref name="alias"/> instead of <c>f</c>.</summary>
    internal static string InspectionStateOf(string alias) => InspectionState
        .Replace("f.id", alias + ".id", StringComparison.Ordinal);

    /// <summary>The inspection states, as the API names them.</summary>
    public static readonly IReadOnlyList<string> States = ["on_time", "due_soon", "overdue", "never"];

    /// <summary>One inspection as JSON with its district, or null; the inspector named only when <paramref name="staffNames"/>.</summary>
    public static async Task<(string Json, string DistrictCode)?> ByIdAsync(NpgsqlConnection connection, long id, bool staffNames, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("SELECT " + InspectionJson + "::text, i.district_code FROM inspections i WHERE i.id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("staff_names", staffNames);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>The stored inspection with <paramref name="clientId"/>: its id, fingerprint and district; null when none.</summary>
    public static async Task<(long Id, string Fingerprint, string DistrictCode, string? GridCode)?> ByClientIdAsync(NpgsqlConnection connection, Guid clientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // The facility's grid: a grid worker's retry is decided as its first submission was.
        await using var command = new NpgsqlCommand(
            "SELECT i.id, i.fingerprint, i.district_code, f.grid_code FROM inspections i JOIN facilities f ON f.id = i.facility_id WHERE i.client_id = @client", connection);
        command.Parameters.AddWithValue("client", clientId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)) : null;
    }

    /// <summary>
    /// A page of inspections, newest first, as <c>{"inspections":[…],"total","limit","offset"}</c>, filtered by
    /// facility and district prefix, inside <paramref name="readScope"/>; inspectors named only when <paramref name="staffNames"/>.
    /// </summary>
    public static async Task<string> ListAsync(
        NpgsqlConnection connection, long? facilityId, string? districtPrefix, int limit, int offset, bool staffNames, CancellationToken ct, ReadScope? readScope = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            WITH filtered AS (
              SELECT i.* FROM inspections i
              WHERE (@facility::bigint IS NULL OR i.facility_id = @facility) AND (@district::text IS NULL OR i.district_code LIKE @district)
                AND (@read_scope::text[] IS NULL OR i.district_code LIKE ANY(@read_scope))),
            page AS (SELECT * FROM filtered i ORDER BY i.inspected_at DESC, i.id DESC LIMIT @limit OFFSET @offset)
            SELECT json_build_object(
              'inspections', COALESCE((SELECT json_agg(
            """ + InspectionJson + """
             ORDER BY i.inspected_at DESC, i.id DESC) FROM page i), '[]'::json),
              'total', (SELECT count(*) FROM filtered), 'limit', @limit, 'offset', @offset)::text
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("facility", NpgsqlDbType.Bigint) { Value = (object?)facilityId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("district", NpgsqlDbType.Text) { Value = districtPrefix is null ? DBNull.Value : districtPrefix + "%" });
        command.Parameters.Add((readScope ?? ReadScope.Everything).Parameter());
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("offset", offset);
        command.Parameters.AddWithValue("staff_names", staffNames);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Facilities in service (not deleted, not removed or under construction) of a district with their inspection
    /// state: last inspection, due date (last + the kind's interval) and state against <c>@dueSoonDays</c>.
    /// <c>@district</c> is a LIKE pattern or null. The point is
    /// <see href="https://postgis.net/docs/ST_PointOnSurface.html">ST_PointOnSurface</see> of the geometry, so a
    /// tactile-paving line gets a point on it. Written with the history placeholders (<see cref="AsOfStatement"/>): as of a
    /// date, the facilities as they stood then, judged by the last inspection carried out by then, due dates against then.
    /// </summary>
    private const string StatesCte = """
        WITH s AS (
          SELECT f.id, f.name, f.kind, f.district_code, ST_PointOnSurface(f.geometry) AS pt, li.last,
                 li.last + make_interval(months => COALESCE(k.months, 12)) AS due
          FROM {facilities} f
          LEFT JOIN facility_kind_intervals k ON k.kind = f.kind
          LEFT JOIN LATERAL (SELECT max(i.inspected_at) AS last FROM {inspections} i WHERE i.facility_id = f.id{carried_out_by}) li ON true
          WHERE f.deleted_at IS NULL AND f.status NOT IN ('removed', 'under_construction')
            AND (@district::text IS NULL OR f.district_code LIKE @district OR f.township_code LIKE @district)
            AND (@read_scope::text[] IS NULL OR f.district_code LIKE ANY(@read_scope))),
        st AS (
          SELECT s.*, CASE WHEN s.last IS NULL THEN 'never' WHEN s.due < {now} THEN 'overdue'
                           WHEN s.due < {now} + make_interval(days => @dueSoonDays) THEN 'due_soon' ELSE 'on_time' END AS state
          FROM s)
        """;

    private const string ScheduleItem = """
        json_build_object('facilityId', x.id, 'name', x.name, 'kind', x.kind, 'districtCode', x.district_code,
          'lastInspectedAt', x.last, 'dueAt', x.due, 'state', x.state,
          'location', json_build_array(round(ST_X(x.pt)::numeric, 7), round(ST_Y(x.pt)::numeric, 7)))
        """;

    /// <summary>
    /// The inspection schedule of a district as <c>{"dueSoon","overdue","neverInspected","counts"}</c>: overdue and
    /// due-soon facilities by due date, never-inspected ones by id, each list cut at <paramref name="limit"/>;
    /// the counts are complete. With <paramref name="asOf"/>, the schedule as it stood at the end of that day (docs/history.md).
    /// </summary>
    public static async Task<string> ScheduleAsync(
        NpgsqlConnection connection, string? districtPrefix, int dueSoonDays, int limit, CancellationToken ct, ReadScope? readScope = null, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = StatesCte + """
            SELECT json_build_object(
              'dueSoon', COALESCE((SELECT json_agg(
            """ + ScheduleItem + """
             ORDER BY x.due, x.id) FROM (SELECT * FROM st WHERE state = 'due_soon' ORDER BY due, id LIMIT @limit) x), '[]'::json),
              'overdue', COALESCE((SELECT json_agg(
            """ + ScheduleItem + """
             ORDER BY x.due, x.id) FROM (SELECT * FROM st WHERE state = 'overdue' ORDER BY due, id LIMIT @limit) x), '[]'::json),
              'neverInspected', COALESCE((SELECT json_agg(
            """ + ScheduleItem + """
             ORDER BY x.id) FROM (SELECT * FROM st WHERE state = 'never' ORDER BY id LIMIT @limit) x), '[]'::json),
              'counts', (SELECT json_build_object(
                 'onTime', count(*) FILTER (WHERE state = 'on_time'), 'dueSoon', count(*) FILTER (WHERE state = 'due_soon'),
                 'overdue', count(*) FILTER (WHERE state = 'overdue'), 'neverInspected', count(*) FILTER (WHERE state = 'never'),
                 'total', count(*)) FROM st),
              'dueSoonDays', @dueSoonDays, 'asOf', @as_of_date)::text
            """;
        await using var command = AsOfStatement.Command(CarriedOutBy(sql, asOf), connection, asOf);
        command.Parameters.Add(new NpgsqlParameter("as_of_date", NpgsqlDbType.Date) { Value = asOf is null ? DBNull.Value : asOf.Date });
        command.Parameters.Add(new NpgsqlParameter("district", NpgsqlDbType.Text) { Value = districtPrefix is null ? DBNull.Value : districtPrefix + "%" });
        command.Parameters.Add((readScope ?? ReadScope.Everything).Parameter());
        command.Parameters.AddWithValue("dueSoonDays", dueSoonDays);
        command.Parameters.AddWithValue("limit", limit);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Facilities due soon, overdue or never inspected inside <paramref name="districtPrefixes"/> (any of them), the
    /// <paramref name="limit"/> nearest to the start point by the GiST-indexed
    /// <see href="https://postgis.net/docs/geometry_distance_knn.html">&lt;-&gt;</see> operator.
    /// </summary>
    public static async Task<List<WorklistCandidate>> WorklistCandidatesAsync(
        NpgsqlConnection connection, IReadOnlyList<string> districtPrefixes, double lon, double lat, int dueSoonDays, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(districtPrefixes);
        const string sql = StatesCte + """
            SELECT id, name, kind, state, due, ST_X(pt), ST_Y(pt) FROM st
            WHERE state IN ('due_soon', 'overdue', 'never') AND district_code LIKE ANY(@patterns)
            ORDER BY pt <-> ST_SetSRID(ST_MakePoint(@lon, @lat), 4490), id
            LIMIT @limit
            """;
        await using var command = AsOfStatement.Command(CarriedOutBy(sql, null), connection, null);
        command.Parameters.Add(new NpgsqlParameter("district", NpgsqlDbType.Text) { Value = DBNull.Value });
        command.Parameters.Add(ReadScope.Everything.Parameter());
        command.Parameters.AddWithValue("patterns", districtPrefixes.Select(p => p + "%").ToArray());
        command.Parameters.AddWithValue("lon", lon);
        command.Parameters.AddWithValue("lat", lat);
        command.Parameters.AddWithValue("dueSoonDays", dueSoonDays);
        command.Parameters.AddWithValue("limit", limit);
        var list = new List<WorklistCandidate>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new WorklistCandidate(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.GetDouble(5), reader.GetDouble(6)));
        }

        return list;
    }

    /// <summary>
    /// <see cref="StatesCte"/>-based <paramref name="sql"/> resolved for <paramref name="asOf"/>: an inspection counts once it
    /// was carried out (one entered late with its date counts from that date, not one dated after the day read).
    /// </summary>
    private static string CarriedOutBy(string sql, AsOf? asOf) =>
        sql.Replace("{carried_out_by}", asOf is null ? "" : " AND i.inspected_at <= @as_of", StringComparison.Ordinal);

    /// <summary>
    /// Geodesic distances in metres between every pair of points (lon/lat, CGCS2000), on the ellipsoid:
    /// <see href="https://postgis.net/docs/ST_Distance.html">ST_Distance</see>(geography, geography).
    /// </summary>
    public static async Task<double[,]> DistanceMatrixAsync(NpgsqlConnection connection, IReadOnlyList<(double Lon, double Lat)> points, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(points);
        const string sql = """
            WITH p AS (SELECT n, ST_SetSRID(ST_MakePoint(x, y), 4490)::geography AS g FROM unnest(@xs, @ys) WITH ORDINALITY AS t(x, y, n))
            SELECT a.n, b.n, ST_Distance(a.g, b.g) FROM p a JOIN p b ON a.n < b.n
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("xs", points.Select(p => p.Lon).ToArray());
        command.Parameters.AddWithValue("ys", points.Select(p => p.Lat).ToArray());
        var matrix = new double[points.Count, points.Count];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            int a = (int)reader.GetInt64(0) - 1, b = (int)reader.GetInt64(1) - 1;
            matrix[a, b] = matrix[b, a] = reader.GetDouble(2);
        }

        return matrix;
    }

    /// <summary>
    /// The ids among <paramref name="ids"/> that are not stored photos (<c>photos</c>, the photos feature's table),
    /// checked on the caller's connection so that it sees the caller's transaction.
    /// </summary>
    public static async Task<HashSet<Guid>> MissingPhotosAsync(NpgsqlConnection connection, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        await using var command = new NpgsqlCommand("SELECT x FROM unnest(@ids) x WHERE NOT EXISTS (SELECT 1 FROM photos p WHERE p.id = x)", connection);
        command.Parameters.AddWithValue("ids", ids.Distinct().ToArray());
        var missing = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            missing.Add(reader.GetGuid(0));
        }

        return missing;
    }

    /// <summary>Sets a facility's status (and updated_at) as an inspection found it.</summary>
    public static async Task SetFacilityStatusAsync(NpgsqlConnection connection, long facilityId, string status, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("UPDATE facilities SET status = @status, updated_at = @now WHERE id = @id AND status IS DISTINCT FROM @status", connection);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("id", facilityId);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Replaces <c>facility_kind_intervals</c> with the catalog's intervals (one statement, so concurrent start-ups agree);
    /// returns whether anything changed. Nothing is written when the table already holds them (every start but the first
    /// after a catalog change): the table's statement triggers fire whether or not a row changes, and they re-compute the
    /// due date of every inspected facility (6.9 s at 1 M facilities) and mark every facility tile and coverage read
    /// changed, so each restart threw away what clients, nginx and the service had cached.
    /// </summary>
    public static async Task<bool> SyncIntervalsAsync(NpgsqlConnection connection, IReadOnlyList<(string Kind, int Months)> intervals, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(intervals);
        const string differs = """
            WITH wanted AS (SELECT * FROM unnest(@kinds, @months) AS t(kind, months))
            SELECT EXISTS (SELECT kind, months FROM wanted EXCEPT SELECT kind, months FROM facility_kind_intervals)
                OR EXISTS (SELECT kind, months FROM facility_kind_intervals EXCEPT SELECT kind, months FROM wanted)
            """;
        const string sql = """
            WITH wanted AS (SELECT * FROM unnest(@kinds, @months) AS t(kind, months)),
            gone AS (DELETE FROM facility_kind_intervals k WHERE NOT EXISTS (SELECT 1 FROM wanted w WHERE w.kind = k.kind))
            INSERT INTO facility_kind_intervals (kind, months) SELECT kind, months FROM wanted
            ON CONFLICT (kind) DO UPDATE SET months = excluded.months WHERE facility_kind_intervals.months <> excluded.months
            """;
        var kinds = intervals.Select(i => i.Kind).ToArray();
        var months = intervals.Select(i => i.Months).ToArray();
        await using (var check = new NpgsqlCommand(differs, connection))
        {
            check.Parameters.AddWithValue("kinds", kinds);
            check.Parameters.AddWithValue("months", months);
            if (await check.ExecuteScalarAsync(ct) is false)
            {
                return false;
            }
        }

        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("kinds", kinds);
        command.Parameters.AddWithValue("months", months);
        await command.ExecuteNonQueryAsync(ct);
        return true;
    }
}

/// <summary>A facility that needs a visit.</summary>
/// <param name="FacilityId">Facility.</param>
/// <param name="Name">Name.</param>
/// <param name="Kind">Kind.</param>
/// <param name="State">due_soon, overdue or never.</param>
/// <param name="DueAt">Due date, null when never inspected.</param>
/// <param name="Lon">Longitude.</param>
/// <param name="Lat">Latitude.</param>
public sealed record WorklistCandidate(long FacilityId, string Name, string Kind, string State, DateTimeOffset? DueAt, double Lon, double Lat);
