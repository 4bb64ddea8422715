using System.Text;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure.Authorization;
using NetTopologySuite.Geometries;
using Npgsql;

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
    /// The open report a new one duplicates: same category, not itself a duplicate, open, filed within
    /// <paramref name="since"/>, within <paramref name="metres"/> (geography), the nearest; null when none.
    /// </summary>
    public static async Task<long?> DuplicateCandidateAsync(
        NpgsqlConnection connection, string serviceCode, Point location, double metres, DateTimeOffset since, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            SELECT r.id FROM reports r
            WHERE r.service_code = @code AND r.duplicate_of_id IS NULL AND r.status IN ('new', 'accepted')
              AND r.requested_at >= @since AND ST_DWithin(r.location::geography, @at::geography, @metres)
            ORDER BY ST_Distance(r.location::geography, @at::geography), r.id LIMIT 1
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("code", serviceCode);
        command.Parameters.AddWithValue("at", location);
        command.Parameters.AddWithValue("metres", metres);
        command.Parameters.AddWithValue("since", since.ToUniversalTime());
        return await command.ExecuteScalarAsync(ct) is long id ? id : null;
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
