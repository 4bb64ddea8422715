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
    /// Stores new reports, each linked to the open report it duplicates, with its first event and its audit entry, in
    /// one round trip and one transaction (<paramref name="transaction"/>, or the batch's own implicit one, which
    /// commits before the answer arrives: with <c>synchronous_commit</c> on, the reports are durable when this returns).
    /// The duplicate is the nearest report of the same category that is not itself a duplicate, open, filed at or after
    /// the filing's <c>Since</c> and within <paramref name="metres"/> (geodesic). First the cells of
    /// <see cref="DuplicateArea"/> around every report are locked, in one ascending order; then each report is searched
    /// and inserted by a statement of its own (a new snapshot under READ COMMITTED), so it sees a filing nearby that
    /// committed while this one waited, and the reports before it in the batch: the batch links as if its reports had
    /// come one after another. They go in by district, so the change-stamp rows their triggers update are taken in one
    /// order by every writer. The search is <see href="https://postgis.net/docs/ST_DWithin.html">ST_DWithin</see> on
    /// geometry with a degree radius that holds the metres (the GiST index on <c>location</c>), then on geography for
    /// the exact distance.
    /// </summary>
    /// <returns>Each report's id and the report it was linked to, in the order of <paramref name="filings"/>.</returns>
    public static async Task<(long Id, long? DuplicateOf)[]> FileAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<ReportFiling> filings, double metres, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(filings);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var locks = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(@space, k) FROM unnest(@keys) AS k");
        locks.Parameters.AddWithValue("space", DuplicateArea.LockSpace);
        locks.Parameters.AddWithValue("keys", filings
            .SelectMany(f => DuplicateArea.LockKeys(f.Report.ServiceCode, f.Report.Location.X, f.Report.Location.Y, metres))
            .Distinct().Order().ToArray());
        batch.BatchCommands.Add(locks);
        var order = Enumerable.Range(0, filings.Count).OrderBy(i => filings[i].Report.DistrictCode, StringComparer.Ordinal).ToArray();
        foreach (var i in order)
        {
            batch.BatchCommands.Add(InsertCommand(filings[i], metres));
        }

        var stored = new (long Id, long? DuplicateOf)[filings.Count];
        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var i in order)
        {
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            stored[i] = (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1));
        }

        return stored;
    }

    private static NpgsqlBatchCommand InsertCommand(ReportFiling filing, double metres)
    {
        var (report, actor, since) = filing;
        var insert = new NpgsqlBatchCommand("""
            WITH candidate AS (
              SELECT r.id FROM reports r
              WHERE r.service_code = @code AND r.duplicate_of_id IS NULL AND r.status IN ('new', 'accepted')
                AND r.requested_at >= @since AND ST_DWithin(r.location, @at, @degrees)
                AND ST_DWithin(r.location::geography, @at::geography, @metres)
              ORDER BY ST_Distance(r.location::geography, @at::geography), r.id LIMIT 1),
            filed AS (
              INSERT INTO reports (service_code, description, attributes, location, address, district_code, township_code,
                status, status_notes, facility_id, duplicate_of_id, me_too_count, photo_id, media_url, email, phone,
                first_name, last_name, device_id, account_id, reporter_key_hash, submitted_by_user_id, source, requested_at, updated_at)
              SELECT @code, @description, @attributes, @at, @address, @district, @township,
                @status, 'Linked to report ' || c.id || ' of the same problem nearby.', @facility, c.id, 0, @photo, @media, @email, @phone,
                @first, @last, @device, @account, @keyHash, @user, @source, @now, @now
              FROM (SELECT 1) AS one LEFT JOIN candidate c ON true
              RETURNING id, duplicate_of_id, status_notes),
            event AS (
              INSERT INTO report_events (report_id, at, to_status, note, actor_user_id)
              SELECT id, @now, @status, status_notes, @user FROM filed),
            audit AS (
              INSERT INTO audit_entries (at, user_id, actor, action, entity_type, entity_id, after, remote_address)
              SELECT @now, @auditUser, @actor, @action, @entityType, id::text,
                jsonb_build_object('serviceCode', @code, 'districtCode', @district, 'status', @status, 'duplicateOfId', duplicate_of_id,
                  'photoId', @photo, 'source', @source, 'contact', @contact),
                @remote FROM filed)
            SELECT id, duplicate_of_id FROM filed
            """);
        var p = insert.Parameters;
        p.AddWithValue("code", report.ServiceCode);
        p.AddWithValue("since", since.ToUniversalTime());
        p.AddWithValue("at", report.Location);
        p.AddWithValue("degrees", DuplicateArea.Degrees(report.Location.Y, metres));
        p.AddWithValue("metres", metres);
        p.Add(Text("description", report.Description));
        p.Add(new NpgsqlParameter("attributes", NpgsqlDbType.Jsonb) { Value = report.Attributes.ToJsonString() });
        p.Add(Text("address", report.Address));
        p.AddWithValue("district", report.DistrictCode);
        p.Add(Text("township", report.TownshipCode));
        p.AddWithValue("status", report.Status);
        p.Add(new NpgsqlParameter("facility", NpgsqlDbType.Bigint) { Value = (object?)report.FacilityId ?? DBNull.Value });
        p.Add(new NpgsqlParameter("photo", NpgsqlDbType.Uuid) { Value = (object?)report.PhotoId ?? DBNull.Value });
        p.Add(Text("media", report.MediaUrl));
        p.Add(Text("email", report.Email));
        p.Add(Text("phone", report.Phone));
        p.Add(Text("first", report.FirstName));
        p.Add(Text("last", report.LastName));
        p.Add(Text("device", report.DeviceId));
        p.Add(Text("account", report.AccountId));
        p.Add(Text("keyHash", report.ReporterKeyHash));
        p.Add(new NpgsqlParameter("user", NpgsqlDbType.Bigint) { Value = (object?)report.SubmittedByUserId ?? DBNull.Value });
        p.AddWithValue("source", report.Source);
        p.AddWithValue("now", report.RequestedAt.ToUniversalTime());
        p.Add(new NpgsqlParameter("auditUser", NpgsqlDbType.Bigint) { Value = (object?)actor.UserId ?? DBNull.Value });
        p.AddWithValue("actor", actor.Actor);
        p.AddWithValue("action", actor.Action);
        p.AddWithValue("entityType", actor.EntityType);
        p.AddWithValue("contact", report.Email is not null || report.Phone is not null);
        p.Add(Text("remote", actor.RemoteAddress));
        return insert;
    }

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

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
