using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Patrols;

/// <summary>A community grid as patrols need it.</summary>
/// <param name="Code">12-digit grid code.</param>
/// <param name="Name">Its name.</param>
/// <param name="TownshipCode">Township (街道/镇) it lies in.</param>
/// <param name="CountyCode">County it lies in.</param>
/// <param name="PatrolIntervalDays">Days between two patrols of each of its facilities.</param>
public sealed record PatrolGrid(string Code, string Name, string TownshipCode, string CountyCode, int PatrolIntervalDays);

/// <summary>A stored patrol, as a retry of its submission is compared with it.</summary>
/// <param name="Id">Patrol id.</param>
/// <param name="FacilityId">Patrolled facility.</param>
/// <param name="InUse">In use.</param>
/// <param name="Obstructed">Obstructed.</param>
/// <param name="Damaged">Damaged.</param>
/// <param name="Note">Note.</param>
/// <param name="DistrictCode">County.</param>
/// <param name="GridCode">Grid it was patrolled in.</param>
public sealed record StoredPatrol(long Id, long FacilityId, bool InUse, bool Obstructed, bool Damaged, string? Note, string DistrictCode, string? GridCode);

/// <summary>A new patrol row.</summary>
/// <param name="ClientId">Client-generated id (retries).</param>
/// <param name="FacilityId">Facility.</param>
/// <param name="GridCode">The facility's grid.</param>
/// <param name="DistrictCode">The facility's county.</param>
/// <param name="PatrolledAt">When.</param>
/// <param name="PatrollerUserId">Account.</param>
/// <param name="PatrollerName">User name.</param>
/// <param name="InUse">Still in use.</param>
/// <param name="Obstructed">Obstructed.</param>
/// <param name="Damaged">Damaged.</param>
/// <param name="Note">Note.</param>
/// <param name="PhotoIds">Photos.</param>
/// <param name="Location">Where the patroller stood, or null.</param>
public sealed record PatrolRow(
    Guid ClientId, long FacilityId, string? GridCode, string DistrictCode, DateTimeOffset PatrolledAt, long? PatrollerUserId, string PatrollerName,
    bool InUse, bool Obstructed, bool Damaged, string? Note, Guid[] PhotoIds, Point? Location);

/// <summary>Filters of the patrol list.</summary>
/// <param name="Grid">One grid.</param>
/// <param name="FacilityId">One facility.</param>
/// <param name="Since">Patrolled at or after.</param>
/// <param name="Until">Patrolled before.</param>
/// <param name="Limit">Page size.</param>
/// <param name="Offset">Rows skipped.</param>
public sealed record PatrolFilter(string? Grid, long? FacilityId, DateTimeOffset? Since, DateTimeOffset? Until, int Limit, int Offset);

/// <summary>
/// Every SQL statement of patrols (巡查): storing one, listing them, a grid's worklist ordered by when each facility's
/// next patrol is due, and the patrol indicator (facilities patrolled within the period ÷ facilities in the grid) per
/// grid, township and district. JSON is built in the database.
/// </summary>
public static class PatrolSql
{
    // One patrol as the API shows it; staff names are always included (every reader of patrols is read-personal).
    private const string PatrolJson = """
        json_build_object(
          'id', p.id, 'clientId', p.client_id, 'facilityId', p.facility_id, 'facilityName', f.name, 'facilityKind', f.kind,
          'gridCode', p.grid_code, 'districtCode', p.district_code, 'patrolledAt', p.patrolled_at,
          'patroller', p.patroller_name, 'inUse', p.in_use, 'obstructed', p.obstructed, 'damaged', p.damaged, 'note', p.note,
          'photoIds', to_json(p.photo_ids),
          'location', CASE WHEN p.location IS NULL THEN NULL ELSE ST_AsGeoJSON(p.location, 7)::json END,
          'defectId', p.defect_id)
        """;

    /// <summary>The grid <paramref name="code"/>, or null.</summary>
    public static async Task<PatrolGrid?> GridAsync(NpgsqlConnection connection, string code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(
            "SELECT code, name, township_code, county_code, patrol_interval_days FROM community_grids WHERE code = @code", connection);
        command.Parameters.AddWithValue("code", code);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new PatrolGrid(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4))
            : null;
    }

    /// <summary>
    /// The grids a caller's patrol pages list: <paramref name="gridCodes"/> when given (a grid worker's), else every grid inside
    /// <paramref name="scope"/>; by code, with how many facilities each holds and how many are due.
    /// </summary>
    public static async Task<IReadOnlyList<(PatrolGrid Grid, int Facilities, int Due)>> GridsAsync(
        NpgsqlConnection connection, IReadOnlyList<string>? gridCodes, ReadScope scope, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(scope);
        await using var command = new NpgsqlCommand(
            """
            SELECT g.code, g.name, g.township_code, g.county_code, g.patrol_interval_days,
                   count(f.id)::int,
                   count(f.id) FILTER (WHERE last.at IS NULL OR last.at + make_interval(days => g.patrol_interval_days) <= @now)::int
            FROM community_grids g
            LEFT JOIN facilities f ON f.grid_code = g.code AND f.deleted_at IS NULL AND f.status <> 'removed'
            LEFT JOIN LATERAL (SELECT max(p.patrolled_at) AS at FROM patrols p WHERE p.facility_id = f.id) last ON true
            WHERE (@grids::text[] IS NULL OR g.code = ANY(@grids)) AND (@read_scope::text[] IS NULL OR g.county_code LIKE ANY(@read_scope))
            GROUP BY g.code
            ORDER BY g.code
            LIMIT 500
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("grids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)gridCodes?.ToArray() ?? DBNull.Value });
        command.Parameters.Add(scope.Parameter());
        command.Parameters.AddWithValue("now", now);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var grids = new List<(PatrolGrid, int, int)>();
        while (await reader.ReadAsync(ct))
        {
            grids.Add((new PatrolGrid(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)),
                reader.GetInt32(5), reader.GetInt32(6)));
        }

        return grids;
    }

    /// <summary>
    /// The worklist of <paramref name="grid"/> as <c>{"grid":{…},"asOf","facilities":[…]}</c>: its live facilities ordered by
    /// when their next patrol is due (the last patrol + the grid's <c>patrol_interval_days</c>); never patrolled first, then
    /// the most overdue. Each facility's <c>state</c> is <c>never</c>, <c>overdue</c> (due now or before) or <c>patrolled</c>
    /// (patrolled within the interval).
    /// </summary>
    public static async Task<string> WorklistAsync(NpgsqlConnection connection, PatrolGrid grid, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(grid);
        await using var command = new NpgsqlCommand(
            """
            WITH items AS (
              SELECT f.id, f.name, f.kind, f.status, last.at AS last_at,
                     last.at + make_interval(days => @interval) AS due_at
              FROM facilities f
              LEFT JOIN LATERAL (SELECT max(p.patrolled_at) AS at FROM patrols p WHERE p.facility_id = f.id) last ON true
              WHERE f.grid_code = @grid AND f.deleted_at IS NULL AND f.status <> 'removed')
            SELECT json_build_object(
              'grid', json_build_object('code', @grid, 'name', @name, 'townshipCode', @township, 'countyCode', @county,
                                        'patrolIntervalDays', @interval),
              'asOf', @now,
              'facilities', COALESCE((SELECT json_agg(json_build_object(
                  'id', i.id, 'name', i.name, 'kind', i.kind, 'status', i.status,
                  'lastPatrolledAt', i.last_at, 'dueAt', i.due_at,
                  'state', CASE WHEN i.last_at IS NULL THEN 'never' WHEN i.due_at <= @now THEN 'overdue' ELSE 'patrolled' END)
                ORDER BY i.due_at ASC NULLS FIRST, i.id) FROM items i), '[]'::json))::text
            """, connection);
        command.Parameters.AddWithValue("grid", grid.Code);
        command.Parameters.AddWithValue("name", grid.Name);
        command.Parameters.AddWithValue("township", grid.TownshipCode);
        command.Parameters.AddWithValue("county", grid.CountyCode);
        command.Parameters.AddWithValue("interval", grid.PatrolIntervalDays);
        command.Parameters.AddWithValue("now", now);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The patrol stored with <paramref name="clientId"/>, or null.</summary>
    public static async Task<StoredPatrol?> ByClientIdAsync(NpgsqlConnection connection, Guid clientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(
            "SELECT id, facility_id, in_use, obstructed, damaged, note, district_code, grid_code FROM patrols WHERE client_id = @client", connection);
        command.Parameters.AddWithValue("client", clientId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new StoredPatrol(reader.GetInt64(0), reader.GetInt64(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetBoolean(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7))
            : null;
    }

    /// <summary>Inserts <paramref name="row"/>; null when a patrol with its client id exists (a concurrent retry stored it first).</summary>
    public static async Task<long?> InsertAsync(NpgsqlConnection connection, PatrolRow row, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(row);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO patrols (client_id, facility_id, grid_code, district_code, patrolled_at, patroller_user_id, patroller_name,
                                 in_use, obstructed, damaged, note, photo_ids, location)
            VALUES (@client, @facility, @grid, @district, @at, @user, @name, @in_use, @obstructed, @damaged, @note, @photos, @location)
            ON CONFLICT (client_id) DO NOTHING
            RETURNING id
            """, connection);
        command.Parameters.AddWithValue("client", row.ClientId);
        command.Parameters.AddWithValue("facility", row.FacilityId);
        command.Parameters.AddWithValue("grid", (object?)row.GridCode ?? DBNull.Value);
        command.Parameters.AddWithValue("district", row.DistrictCode);
        command.Parameters.AddWithValue("at", row.PatrolledAt);
        command.Parameters.AddWithValue("user", (object?)row.PatrollerUserId ?? DBNull.Value);
        command.Parameters.AddWithValue("name", row.PatrollerName);
        command.Parameters.AddWithValue("in_use", row.InUse);
        command.Parameters.AddWithValue("obstructed", row.Obstructed);
        command.Parameters.AddWithValue("damaged", row.Damaged);
        command.Parameters.AddWithValue("note", (object?)row.Note ?? DBNull.Value);
        command.Parameters.AddWithValue("photos", row.PhotoIds);
        command.Parameters.Add(new NpgsqlParameter("location", (object?)row.Location ?? DBNull.Value) { DataTypeName = "geometry" });
        return await command.ExecuteScalarAsync(ct) is long id ? id : null;
    }

    /// <summary>Links patrol <paramref name="id"/> to the defect it raised (or joined).</summary>
    public static async Task SetDefectAsync(NpgsqlConnection connection, long id, long defectId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("UPDATE patrols SET defect_id = @defect WHERE id = @id", connection);
        command.Parameters.AddWithValue("defect", defectId);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The photo ids among <paramref name="ids"/> that are not stored.</summary>
    public static async Task<HashSet<Guid>> MissingPhotosAsync(NpgsqlConnection connection, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        await using var command = new NpgsqlCommand("SELECT u.id FROM unnest(@ids) AS u(id) WHERE NOT EXISTS (SELECT 1 FROM photos p WHERE p.id = u.id)", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var missing = new HashSet<Guid>();
        while (await reader.ReadAsync(ct))
        {
            missing.Add(reader.GetGuid(0));
        }

        return missing;
    }

    /// <summary>One patrol as JSON, or null.</summary>
    public static async Task<string?> ByIdAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(
            "SELECT (" + PatrolJson + ")::text FROM patrols p JOIN facilities f ON f.id = p.facility_id WHERE p.id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>The district and grid of patrol <paramref name="id"/>, or null.</summary>
    public static async Task<(string DistrictCode, string? GridCode)?> PlaceAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("SELECT district_code, grid_code FROM patrols WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
    }

    /// <summary>
    /// A page of patrols, newest first, as <c>{"patrols":[…],"total","limit","offset"}</c>, inside <paramref name="scope"/> and,
    /// for a grid worker, inside <paramref name="gridCodes"/>.
    /// </summary>
    public static async Task<string> ListAsync(
        NpgsqlConnection connection, PatrolFilter filter, ReadScope scope, IReadOnlyList<string>? gridCodes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(scope);
        await using var command = new NpgsqlCommand(
            """
            WITH filtered AS (
              SELECT p.* FROM patrols p
              WHERE (@grid::text IS NULL OR p.grid_code = @grid) AND (@facility::bigint IS NULL OR p.facility_id = @facility)
                AND (@since::timestamptz IS NULL OR p.patrolled_at >= @since) AND (@until::timestamptz IS NULL OR p.patrolled_at < @until)
                AND (@read_scope::text[] IS NULL OR p.district_code LIKE ANY(@read_scope))
                AND (@grids::text[] IS NULL OR p.grid_code = ANY(@grids))),
            page AS (SELECT * FROM filtered ORDER BY patrolled_at DESC, id DESC LIMIT @limit OFFSET @offset)
            SELECT json_build_object(
              'patrols', COALESCE((SELECT json_agg(
            """ + PatrolJson + """
                ORDER BY p.patrolled_at DESC, p.id DESC) FROM page p JOIN facilities f ON f.id = p.facility_id), '[]'::json),
              'total', (SELECT count(*) FROM filtered), 'limit', @limit, 'offset', @offset)::text
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("grid", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)filter.Grid ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("facility", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)filter.FacilityId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("since", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)filter.Since ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("until", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)filter.Until ?? DBNull.Value });
        command.Parameters.Add(scope.Parameter());
        command.Parameters.Add(new NpgsqlParameter("grids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)gridCodes?.ToArray() ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", filter.Limit);
        command.Parameters.AddWithValue("offset", filter.Offset);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The patrol indicator of the grids inside district prefix <paramref name="districtPrefix"/>: per grid, per township and
    /// for them all, the live facilities lying in a grid and how many of them were patrolled within the period — from
    /// <paramref name="since"/> (inclusive) to <paramref name="until"/> (exclusive) when given, else each grid's own
    /// <c>patrol_interval_days</c> up to <paramref name="now"/>. Rows: township code (null for the total), grid code (null for a
    /// township's or the total's row), grid name, township name, interval, facilities, patrolled.
    /// </summary>
    public static async Task<IReadOnlyList<PatrolIndicatorRow>> IndicatorAsync(
        NpgsqlConnection connection, string districtPrefix, DateTimeOffset? since, DateTimeOffset? until, DateTimeOffset now, CancellationToken ct,
        AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // As of a date (the district panel's as-of reads): the facilities and their grids as they stood then, and the
        // patrols carried out by then and recorded by the knowledge instant (patrols are append-only).
        await using var command = AsOfStatement.Command(
            """
            WITH grids AS (
              SELECT g.code, g.name, g.township_code, g.patrol_interval_days,
                     COALESCE(@since, @now - make_interval(days => g.patrol_interval_days)) AS since,
                     COALESCE(@until, 'infinity'::timestamptz) AS until
              FROM community_grids g WHERE g.code LIKE @prefix),
            items AS (
              SELECT f.id, g.code AS grid_code,
                     EXISTS (SELECT 1 FROM patrols p WHERE p.facility_id = f.id AND p.patrolled_at >= g.since AND p.patrolled_at < g.until
                             {recorded}) AS patrolled
              FROM grids g JOIN {facilities} f ON f.grid_code = g.code AND f.deleted_at IS NULL AND f.status <> 'removed')
            SELECT g.township_code, g.code, min(g.name), min(t.name), min(g.patrol_interval_days),
                   count(i.id)::int, count(i.id) FILTER (WHERE i.patrolled)::int,
                   GROUPING(g.township_code)::int
            FROM grids g
            LEFT JOIN items i ON i.grid_code = g.code
            LEFT JOIN districts t ON t.code = g.township_code
            GROUP BY GROUPING SETS ((g.township_code, g.code), (g.township_code), ())
            ORDER BY g.township_code NULLS FIRST, g.code NULLS FIRST
            """.Replace("{recorded}", asOf is null ? "" : "AND p.created_at <= @known_at", StringComparison.Ordinal), connection, asOf);
        command.Parameters.AddWithValue("prefix", districtPrefix + "%");
        command.Parameters.Add(new NpgsqlParameter("since", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)since ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("until", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)until ?? DBNull.Value });
        command.Parameters.AddWithValue("now", now);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<PatrolIndicatorRow>();
        while (await reader.ReadAsync(ct))
        {
            var total = reader.GetInt32(7) == 1;
            rows.Add(new PatrolIndicatorRow(
                total ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(1) || reader.IsDBNull(2) ? null : reader.GetString(2),
                total || reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(1) ? null : reader.GetInt32(4),
                reader.GetInt32(5),
                reader.GetInt32(6)));
        }

        return rows;
    }
}

/// <summary>One row of <see cref="PatrolSql.IndicatorAsync"/>.</summary>
/// <param name="TownshipCode">Township; null for the total.</param>
/// <param name="GridCode">Grid; null for a township's or the total's row.</param>
/// <param name="GridName">Grid name.</param>
/// <param name="TownshipName">Township name, where registered.</param>
/// <param name="PatrolIntervalDays">The grid's interval.</param>
/// <param name="Facilities">Live facilities in the grid(s).</param>
/// <param name="Patrolled">Of them, patrolled within the period.</param>
public sealed record PatrolIndicatorRow(
    string? TownshipCode, string? GridCode, string? GridName, string? TownshipName, int? PatrolIntervalDays, int Facilities, int Patrolled);
