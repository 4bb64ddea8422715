using System.Text;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure.Authorization;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Reports;

/// <summary>A report as the public may see it: no contact data, no device or account id.</summary>
/// <param name="Id">Tracking number.</param>
/// <param name="ServiceCode">Category.</param>
/// <param name="Status">Internal status.</param>
/// <param name="StatusNotes">Latest public note.</param>
/// <param name="Description">Reporter's text.</param>
/// <param name="Address">Address or landmark.</param>
/// <param name="Lat">Latitude.</param>
/// <param name="Lon">Longitude.</param>
/// <param name="RequestedAt">Filed.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="DistrictCode">County-level district.</param>
/// <param name="DistrictName">Its name (the agency responsible).</param>
/// <param name="PhotoId">Uploaded photo.</param>
/// <param name="MediaUrl">External media.</param>
/// <param name="DuplicateOf">Primary report when this one is a duplicate.</param>
/// <param name="Duplicates">Reports linked to this one as duplicates.</param>
/// <param name="MeToo">"Me too" confirmations.</param>
/// <param name="DefectId">Linked defect.</param>
/// <param name="FacilityId">Facility.</param>
/// <param name="ClosedAt">Closed or rejected at.</param>
public sealed record PublicReport(
    long Id, string ServiceCode, string Status, string? StatusNotes, string? Description, string? Address, double Lat, double Lon,
    DateTimeOffset RequestedAt, DateTimeOffset UpdatedAt, string DistrictCode, string? DistrictName, Guid? PhotoId, string? MediaUrl,
    long? DuplicateOf, long Duplicates, int MeToo, long? DefectId, long? FacilityId, DateTimeOffset? ClosedAt);

/// <summary>A facility near a report.</summary>
/// <param name="Id">Facility.</param>
/// <param name="Name">Its name.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Metres">Distance from the report.</param>
public sealed record NearbyFacility(long Id, string? Name, string Kind, double Metres);

/// <summary>A reporter's contact data, for triage staff only.</summary>
/// <param name="Email">E-mail.</param>
/// <param name="Phone">Phone.</param>
/// <param name="Name">Name.</param>
public sealed record ReporterContact(string? Email, string? Phone, string? Name);

/// <summary>Who filed a report, as its audit entry names them (no contact data: administrators of every district read the log).</summary>
/// <param name="UserId">Signed-in user.</param>
/// <param name="Actor">User name, or anonymous.</param>
/// <param name="RemoteAddress">Client address.</param>
/// <param name="Action">Audit action.</param>
/// <param name="EntityType">Audit entity type.</param>
public sealed record ReportAuditActor(long? UserId, string Actor, string? RemoteAddress, string Action, string EntityType);

/// <summary>A report to store, who filed it, and the age limit of the report it may duplicate.</summary>
/// <param name="Report">The report, validated and placed.</param>
/// <param name="Actor">Who filed it.</param>
/// <param name="Since">Oldest filing time of a report it may duplicate.</param>
public sealed record ReportFiling(Report Report, ReportAuditActor Actor, DateTimeOffset Since);

/// <summary>Filters of a report search, already validated.</summary>
/// <param name="Ids">Tracking numbers (then nothing else filters).</param>
/// <param name="ServiceCodes">Categories.</param>
/// <param name="Open311Status">open or closed.</param>
/// <param name="Start">Filed at or after.</param>
/// <param name="End">Filed before or at.</param>
/// <param name="Near">Centre of a radius search (CGCS2000).</param>
/// <param name="RadiusMetres">Radius.</param>
/// <param name="DistrictPrefix">District code prefix (staff lists).</param>
/// <param name="Statuses">Internal statuses (staff lists).</param>
/// <param name="Limit">Most rows.</param>
/// <param name="Scope">The districts the caller may read (<see cref="ReadScope"/>); null for every district.</param>
public sealed record ReportFilter(
    IReadOnlyList<long>? Ids, IReadOnlyList<string>? ServiceCodes, string? Open311Status, DateTimeOffset? Start, DateTimeOffset? End,
    Point? Near, double RadiusMetres, string? DistrictPrefix, IReadOnlyList<string>? Statuses, int Limit, ReadScope? Scope = null);

/// <summary>Every SQL statement of the reports feature; values are always parameters.</summary>
public static class ReportSql
{
    private const string PublicColumns = """
        r.id, r.service_code, r.status, r.status_notes, r.description, r.address, ST_Y(r.location), ST_X(r.location),
        r.requested_at, r.updated_at, r.district_code, (SELECT d.name FROM districts d WHERE d.code = r.district_code),
        r.photo_id, r.media_url, r.duplicate_of_id, (SELECT count(*) FROM reports x WHERE x.duplicate_of_id = r.id),
        r.me_too_count, r.defect_id, r.facility_id, r.closed_at
        """;

    /// <summary>
    /// Reports matching <paramref name="filter"/>, newest first. The radius search uses
    /// <see href="https://postgis.net/docs/ST_DWithin.html">ST_DWithin</see> on geography (metres).
    /// </summary>
    public static async Task<List<PublicReport>> SearchAsync(NpgsqlConnection connection, ReportFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(filter);
        await using var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder("SELECT ").Append(PublicColumns).Append(" FROM reports r WHERE true");
        (filter.Scope ?? ReadScope.Everything).AppendFilter(sql, command, "r.district_code");
        if (filter.Ids is { } ids)
        {
            sql.Append(" AND r.id = ANY(@ids)");
            command.Parameters.AddWithValue("ids", ids.ToArray());
        }
        else
        {
            if (filter.ServiceCodes is { Count: > 0 } codes)
            {
                sql.Append(" AND r.service_code = ANY(@codes)");
                command.Parameters.AddWithValue("codes", codes.ToArray());
            }

            if (filter.Open311Status is { } status)
            {
                sql.Append(status == "closed" ? " AND r.status IN ('closed', 'rejected')" : " AND r.status IN ('new', 'accepted')");
            }

            if (filter.Statuses is { Count: > 0 } statuses)
            {
                sql.Append(" AND r.status = ANY(@statuses)");
                command.Parameters.AddWithValue("statuses", statuses.ToArray());
            }

            if (filter.Start is { } start)
            {
                sql.Append(" AND r.requested_at >= @start");
                command.Parameters.AddWithValue("start", start.ToUniversalTime());
            }

            if (filter.End is { } end)
            {
                sql.Append(" AND r.requested_at <= @end");
                command.Parameters.AddWithValue("end", end.ToUniversalTime());
            }

            if (filter.Near is { } near)
            {
                sql.Append(" AND ST_DWithin(r.location::geography, @near::geography, @radius)");
                command.Parameters.AddWithValue("near", near);
                command.Parameters.AddWithValue("radius", filter.RadiusMetres);
            }

            if (filter.DistrictPrefix is { } prefix)
            {
                // Digits only (checked by the caller): no LIKE wildcard can sneak in.
                sql.Append(" AND r.district_code LIKE @district");
                command.Parameters.AddWithValue("district", prefix + "%");
            }
        }

        sql.Append(" ORDER BY r.requested_at DESC, r.id DESC LIMIT @limit");
        command.Parameters.AddWithValue("limit", filter.Limit);
        command.CommandText = sql.ToString();
        var list = new List<PublicReport>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new PublicReport(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Str(reader, 3), Str(reader, 4), Str(reader, 5),
                reader.GetDouble(6), reader.GetDouble(7), reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9),
                reader.GetString(10), Str(reader, 11), reader.IsDBNull(12) ? null : reader.GetGuid(12), Str(reader, 13),
                reader.IsDBNull(14) ? null : reader.GetInt64(14), reader.GetInt64(15), reader.GetInt32(16),
                reader.IsDBNull(17) ? null : reader.GetInt64(17), reader.IsDBNull(18) ? null : reader.GetInt64(18),
                reader.IsDBNull(19) ? null : reader.GetFieldValue<DateTimeOffset>(19)));
        }

        return list;
    }

    /// <summary>
    /// Stores new reports, each placed in its county (and township) and linked to the open report it duplicates, with
    /// its first event and its audit entry, in one transaction (<paramref name="transaction"/>, or one of its own that
    /// commits before this returns: with <c>synchronous_commit</c> on, the reports are durable then). Set-based, so the
    /// cost of a statement (parse, plan, the tables' statement triggers) is paid once a batch, not once a report:
    /// first one statement places every report (<see href="https://postgis.net/docs/ST_Covers.html">ST_Covers</see> on
    /// the county and township boundaries), and a second gives the geodesic distances between the batch's own reports of
    /// one category within the radius: neither reads another filing, so they run before any lock. Then the cells of
    /// <see cref="DuplicateArea"/> around every report are locked, in one ascending order, and one statement (a snapshot
    /// taken after the locks, so it sees every filing nearby that committed while this one waited) finds the nearest open
    /// primary of each report's category already stored and draws the batch's report numbers in the batch's order (after
    /// those of the filings it waited for). The links inside the batch are then decided in the batch's order, each report
    /// seeing the primaries before it, exactly as if the reports had come one after another; and one statement inserts
    /// them all.
    /// The duplicate is the nearest report of the same category that is not itself a duplicate, open, filed at or after
    /// the filing's <c>Since</c> and within <paramref name="metres"/> (geodesic; ties: the lower number). The search is
    /// <see href="https://postgis.net/docs/ST_DWithin.html">ST_DWithin</see> on geometry with a degree radius that holds
    /// the metres (the GiST index on <c>location</c>), then on geography for the exact distance.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The caller's transaction, or null for one of the batch's own.</param>
    /// <param name="filings">The reports, in the order they are taken to have been filed.</param>
    /// <param name="metres">The link radius.</param>
    /// <param name="prepare">Prepare the statements (a connection that lives long, as the filing queue's writers' do).</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>
    /// Each report's id and the report it was linked to, in the order of <paramref name="filings"/>; null for a report
    /// outside every registered county, which is not stored (the others are).
    /// </returns>
    public static async Task<(long Id, long? DuplicateOf)?[]> FileAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<ReportFiling> filings, double metres, bool prepare = false,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(filings);
        var n = filings.Count;
        var stored = new (long Id, long? DuplicateOf)?[n];
        if (n == 0)
        {
            return stored;
        }

        await using var own = transaction is null ? await connection.BeginTransactionAsync(ct) : null;
        var tx = transaction ?? own;
        var codes = new string[n];
        var xs = new double[n];
        var ys = new double[n];
        var degrees = new double[n];
        var since = new DateTime[n];
        for (var i = 0; i < n; i++)
        {
            var report = filings[i].Report;
            codes[i] = report.ServiceCode;
            xs[i] = report.Location.X;
            ys[i] = report.Location.Y;
            degrees[i] = DuplicateArea.Degrees(report.Location.Y, metres);
            since[i] = filings[i].Since.UtcDateTime;
        }

        var county = new string?[n];
        var township = new string?[n];
        var found = new (long Id, double Metres)?[n];
        var ids = new long[n];
        var near = new List<(int Later, int Earlier, double Metres)>();
        // Placement and the pairs inside the batch first, without locks: they read no other filing, so a concurrent
        // writer's batch near the same hot spot, which waits for this one's cell locks until it commits, does not wait
        // for them too (bench/README.md, session 8).
        await using (var place = new NpgsqlBatch(connection, tx))
        {
            var points = new NpgsqlBatchCommand(PlaceSql);
            AddPoints(points.Parameters, codes, xs, ys, degrees);
            place.BatchCommands.Add(points);
            var pairs = new NpgsqlBatchCommand(NearEachOtherSql);
            AddPoints(pairs.Parameters, codes, xs, ys, degrees);
            pairs.Parameters.AddWithValue("metres", metres);
            place.BatchCommands.Add(pairs);
            if (prepare)
            {
                await place.PrepareAsync(ct);
            }

            await using var reader = await place.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var i = (int)reader.GetInt64(0) - 1;
                county[i] = reader.IsDBNull(1) ? null : reader.GetString(1);
                township[i] = reader.IsDBNull(2) ? null : reader.GetString(2);
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                near.Add(((int)reader.GetInt64(0) - 1, (int)reader.GetInt64(1) - 1, reader.GetDouble(2)));
            }
        }

        // Then the cells locked, and the search in a snapshot taken after the locks.
        await using (var search = new NpgsqlBatch(connection, tx))
        {
            var locks = new NpgsqlBatchCommand(LockCellsSql);
            locks.Parameters.AddWithValue("space", DuplicateArea.LockSpace);
            locks.Parameters.AddWithValue("keys", filings
                .SelectMany(f => DuplicateArea.LockKeys(f.Report.ServiceCode, f.Report.Location.X, f.Report.Location.Y, metres))
                .Distinct().Order().ToArray());
            search.BatchCommands.Add(locks);
            var nearest = new NpgsqlBatchCommand(SearchSql);
            AddPoints(nearest.Parameters, codes, xs, ys, degrees);
            nearest.Parameters.AddWithValue("since", since);
            nearest.Parameters.AddWithValue("metres", metres);
            search.BatchCommands.Add(nearest);
            if (prepare)
            {
                await search.PrepareAsync(ct);
            }

            await using var reader = await search.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);
            var numbers = new List<long>(n);
            while (await reader.ReadAsync(ct))
            {
                var i = (int)reader.GetInt64(0) - 1;
                found[i] = reader.IsDBNull(1) ? null : (reader.GetInt64(1), reader.GetDouble(2));
                numbers.Add(reader.GetInt64(3));
            }

            // Numbers drawn under the locks (so that a batch that waited numbers its reports after those it waited for),
            // in the batch's order, whatever order the sequence was read in.
            numbers.Sort();
            numbers.CopyTo(ids);
        }

        // The links inside the batch, in its order: a report sees the primaries stored before it and those of the batch
        // before it (each of which has a higher number than any stored one, so a stored one wins a tie).
        var primary = new bool[n];
        near.Sort((a, b) => a.Later != b.Later ? a.Later.CompareTo(b.Later) : a.Earlier.CompareTo(b.Earlier));
        var next = 0;
        var placed = new List<int>(n);
        for (var i = 0; i < n; i++)
        {
            var best = found[i];
            for (; next < near.Count && near[next].Later == i; next++)
            {
                var (_, earlier, distance) = near[next];
                if (primary[earlier] && (best is null || distance < best.Value.Metres))
                {
                    best = (ids[earlier], distance);
                }
            }

            if (county[i] is null)
            {
                continue;
            }

            primary[i] = best is null;
            stored[i] = (ids[i], best?.Id);
            filings[i].Report.DistrictCode = county[i]!;
            filings[i].Report.TownshipCode = township[i];
            placed.Add(i);
        }

        if (placed.Count > 0)
        {
            await using var insert = new NpgsqlCommand(InsertSql, connection, tx);
            AddRows(insert.Parameters, filings, placed, stored);
            if (prepare)
            {
                await insert.PrepareAsync(ct);
            }

            await insert.ExecuteNonQueryAsync(ct);
        }

        if (own is not null)
        {
            await own.CommitAsync(ct);
        }

        return stored;
    }

    private const string LockCellsSql = "SELECT pg_advisory_xact_lock(@space, k) FROM unnest(@keys) AS k";

    // The batch's reports as rows: n (1-based, the batch's order), category, point, degree radius of the search.
    private const string BatchPoints = """
        unnest(@codes::text[], @xs::float8[], @ys::float8[], @degrees::float8[]) WITH ORDINALITY
        """;

    private static readonly string PlaceSql = $"""
        SELECT i.n,
          (SELECT d.code FROM districts d WHERE d.level = 3 AND ST_Covers(d.boundary, i.at) ORDER BY d.code LIMIT 1),
          (SELECT d.code FROM districts d WHERE d.level = 4 AND ST_Covers(d.boundary, i.at) ORDER BY d.code LIMIT 1)
        FROM (SELECT b.n, ST_SetSRID(ST_MakePoint(b.x, b.y), {Data.RegistryDbContext.Srid}) AS at
              FROM {BatchPoints} AS b(code, x, y, degrees, n)) i
        ORDER BY i.n
        """;

    private static readonly string SearchSql = $"""
        SELECT i.n, c.id, c.metres, nextval(pg_get_serial_sequence('reports', 'id'))
        FROM (SELECT b.n, b.code, b.degrees, s.since, ST_SetSRID(ST_MakePoint(b.x, b.y), {Data.RegistryDbContext.Srid}) AS at
              FROM {BatchPoints} AS b(code, x, y, degrees, n)
              JOIN unnest(@since::timestamptz[]) WITH ORDINALITY AS s(since, n) ON s.n = b.n) i
        LEFT JOIN LATERAL (
          SELECT r.id, ST_Distance(r.location::geography, i.at::geography) AS metres FROM reports r
          -- the open primaries: the predicate of their index (migration OpenPrimaryReportsIndex), word for word
          WHERE r.service_code = i.code AND r.duplicate_of_id IS NULL AND r.status IN ('new', 'accepted')
            AND r.requested_at >= i.since AND ST_DWithin(r.location, i.at, i.degrees)
            AND ST_DWithin(r.location::geography, i.at::geography, @metres)
          ORDER BY 2, r.id LIMIT 1) c ON true
        ORDER BY i.n
        """;

    private static readonly string NearEachOtherSql = $"""
        WITH i AS (
          SELECT b.n, b.code, b.degrees, ST_SetSRID(ST_MakePoint(b.x, b.y), {Data.RegistryDbContext.Srid}) AS at
          FROM {BatchPoints} AS b(code, x, y, degrees, n))
        SELECT a.n, b.n, ST_Distance(a.at::geography, b.at::geography)
        FROM i a JOIN i b ON b.n < a.n AND b.code = a.code AND ST_DWithin(a.at, b.at, a.degrees)
        WHERE ST_DWithin(a.at::geography, b.at::geography, @metres)
        """;

    private static readonly string InsertSql = $"""
        WITH i AS (
          SELECT * FROM unnest(@ids::bigint[], @codes::text[], @descriptions::text[], @attributes::jsonb[], @xs::float8[], @ys::float8[],
            @addresses::text[], @districts::text[], @townships::text[], @statuses::text[], @duplicates::bigint[], @facilities::bigint[],
            @photos::uuid[], @media::text[], @emails::text[], @phones::text[], @firsts::text[], @lasts::text[], @devices::text[],
            @accounts::text[], @keyHashes::text[], @users::bigint[], @sources::text[], @nows::timestamptz[], @auditUsers::bigint[],
            @actors::text[], @actions::text[], @entityTypes::text[], @remotes::text[])
          AS i(id, code, description, attributes, x, y, address, district, township, status, duplicate_of, facility,
            photo, media, email, phone, first, last, device, account, key_hash, user_id, source, now, audit_user,
            actor, action, entity_type, remote)),
        filed AS (
          INSERT INTO reports (id, service_code, description, attributes, location, address, district_code, township_code,
            status, status_notes, facility_id, duplicate_of_id, me_too_count, photo_id, media_url, email, phone,
            first_name, last_name, device_id, account_id, reporter_key_hash, submitted_by_user_id, source, requested_at, updated_at)
          SELECT id, code, description, attributes, ST_SetSRID(ST_MakePoint(x, y), {Data.RegistryDbContext.Srid}), address, district, township,
            status, 'Linked to report ' || duplicate_of || ' of the same problem nearby.', facility, duplicate_of, 0, photo, media, email, phone,
            first, last, device, account, key_hash, user_id, source, now, now
          FROM i ORDER BY id
          RETURNING id, status_notes),
        event AS (
          INSERT INTO report_events (report_id, at, to_status, note, actor_user_id)
          SELECT i.id, i.now, i.status, f.status_notes, i.user_id FROM filed f JOIN i ON i.id = f.id)
        INSERT INTO audit_entries (at, user_id, actor, action, entity_type, entity_id, after, remote_address)
        SELECT i.now, i.audit_user, i.actor, i.action, i.entity_type, i.id::text,
          jsonb_build_object('serviceCode', i.code, 'districtCode', i.district, 'status', i.status, 'duplicateOfId', i.duplicate_of,
            'photoId', i.photo, 'source', i.source, 'contact', i.email IS NOT NULL OR i.phone IS NOT NULL),
          i.remote
        FROM filed f JOIN i ON i.id = f.id
        """;

    private static void AddPoints(NpgsqlParameterCollection p, string[] codes, double[] xs, double[] ys, double[] degrees)
    {
        p.AddWithValue("codes", codes);
        p.AddWithValue("xs", xs);
        p.AddWithValue("ys", ys);
        p.AddWithValue("degrees", degrees);
    }

    private static void AddRows(NpgsqlParameterCollection p, IReadOnlyList<ReportFiling> filings, List<int> rows, (long Id, long? DuplicateOf)?[] stored)
    {
        T[] Column<T>(Func<ReportFiling, T> value) => [.. rows.Select(i => value(filings[i]))];
        void AddText(string name, Func<ReportFiling, string?> value) =>
            p.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = Column(value) });
        void AddBigint(string name, Func<ReportFiling, long?> value) =>
            p.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = Column(value) });

        p.AddWithValue("ids", rows.Select(i => stored[i]!.Value.Id).ToArray());
        AddText("codes", f => f.Report.ServiceCode);
        AddText("descriptions", f => f.Report.Description);
        AddText("attributes", f => f.Report.Attributes.ToJsonString());
        p.AddWithValue("xs", Column(f => f.Report.Location.X));
        p.AddWithValue("ys", Column(f => f.Report.Location.Y));
        AddText("addresses", f => f.Report.Address);
        AddText("districts", f => f.Report.DistrictCode);
        AddText("townships", f => f.Report.TownshipCode);
        AddText("statuses", f => f.Report.Status);
        p.Add(new NpgsqlParameter("duplicates", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(i => stored[i]!.Value.DuplicateOf).ToArray() });
        AddBigint("facilities", f => f.Report.FacilityId);
        p.Add(new NpgsqlParameter("photos", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = Column(f => f.Report.PhotoId) });
        AddText("media", f => f.Report.MediaUrl);
        AddText("emails", f => f.Report.Email);
        AddText("phones", f => f.Report.Phone);
        AddText("firsts", f => f.Report.FirstName);
        AddText("lasts", f => f.Report.LastName);
        AddText("devices", f => f.Report.DeviceId);
        AddText("accounts", f => f.Report.AccountId);
        AddText("keyHashes", f => f.Report.ReporterKeyHash);
        AddBigint("users", f => f.Report.SubmittedByUserId);
        AddText("sources", f => f.Report.Source);
        p.Add(new NpgsqlParameter("nows", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = Column(f => f.Report.RequestedAt.UtcDateTime) });
        AddBigint("auditUsers", f => f.Actor.UserId);
        AddText("actors", f => f.Actor.Actor);
        AddText("actions", f => f.Actor.Action);
        AddText("entityTypes", f => f.Actor.EntityType);
        AddText("remotes", f => f.Actor.RemoteAddress);
    }

    /// <summary>A facility whose name contains <paramref name="text"/> (landmark search): id and point, or null.</summary>
    public static async Task<(long Id, Point Location)?> FacilityByNameAsync(NpgsqlConnection connection, string text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            SELECT f.id, ST_PointOnSurface(f.geometry) FROM facilities f
            WHERE f.deleted_at IS NULL AND strpos(f.name, @text) > 0
            ORDER BY length(f.name), f.id LIMIT 1
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("text", text);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetFieldValue<Point>(1)) : null;
    }

    /// <summary>
    /// Facilities within <paramref name="metres"/> of a report (geodesic, <see href="https://postgis.net/docs/ST_DWithin.html">ST_DWithin</see>
    /// on geography), nearest first: the candidates a report is accepted onto.
    /// </summary>
    public static async Task<List<NearbyFacility>> FacilitiesNearAsync(NpgsqlConnection connection, long reportId, double metres, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            SELECT f.id, f.name, f.kind, round(ST_Distance(f.geometry::geography, r.location::geography)::numeric, 0)::float8
            FROM reports r JOIN facilities f ON ST_DWithin(f.geometry::geography, r.location::geography, @metres)
            WHERE r.id = @id AND f.deleted_at IS NULL
            ORDER BY ST_Distance(f.geometry::geography, r.location::geography), f.id LIMIT @limit
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", reportId);
        command.Parameters.AddWithValue("metres", metres);
        command.Parameters.AddWithValue("limit", limit);
        var list = new List<NearbyFacility>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new NearbyFacility(reader.GetInt64(0), Str(reader, 1), reader.GetString(2), reader.GetDouble(3)));
        }

        return list;
    }

    /// <summary>Public history of a report, oldest first: at, from, to, note.</summary>
    public static async Task<List<(DateTimeOffset At, string? From, string To, string? Note)>> HistoryAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(
            "SELECT at, from_status, to_status, note FROM report_events WHERE report_id = @id ORDER BY at, id", connection);
        command.Parameters.AddWithValue("id", id);
        var list = new List<(DateTimeOffset, string?, string, string?)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add((reader.GetFieldValue<DateTimeOffset>(0), Str(reader, 1), reader.GetString(2), Str(reader, 3)));
        }

        return list;
    }

    /// <summary>Contact data of reports (staff allowed to read personal data only): e-mail, phone, name.</summary>
    public static async Task<Dictionary<long, ReporterContact>> ContactsAsync(NpgsqlConnection connection, long[] ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("SELECT id, email, phone, nullif(concat_ws(' ', last_name, first_name), '') FROM reports WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids);
        var map = new Dictionary<long, ReporterContact>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            map[reader.GetInt64(0)] = new ReporterContact(Str(reader, 1), Str(reader, 2), Str(reader, 3));
        }

        return map;
    }

    private static string? Str(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    /// <summary>Whether construction project <paramref name="id"/> exists and is not deleted (a report may name it).</summary>
    public static async Task<bool> ProjectExistsAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM construction_projects WHERE id = @id AND deleted_at IS NULL)", connection);
        command.Parameters.AddWithValue("id", id);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
