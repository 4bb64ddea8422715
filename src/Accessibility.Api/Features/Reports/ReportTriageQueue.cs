using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Authorization;
using Npgsql;

namespace Accessibility.Api.Features.Reports;

/// <summary>A report in the triage queue: what the public sees, and the reporter's contact.</summary>
/// <param name="Report">The report.</param>
/// <param name="Contact">The reporter's contact data.</param>
public sealed record QueuedReport(PublicReport Report, ReporterContact Contact);

/// <summary>A report for triage: the queue's row and its public history, oldest first.</summary>
/// <param name="Report">The report.</param>
/// <param name="Contact">The reporter's contact data.</param>
/// <param name="History">Its history.</param>
public sealed record TriagedReport(PublicReport Report, ReporterContact Contact, IReadOnlyList<(DateTimeOffset At, string? From, string To, string? Note)> History);

/// <summary>
/// The staff's triage queue: reports of the caller's districts (read-personal of reports, <see cref="ReadScope"/>),
/// newest first, with the reporter's contact; and one report of it with its history.
/// </summary>
public sealed class ReportTriageQueue(NpgsqlDataSource dataSource)
{
    /// <summary>Report statuses a queue may be filtered by.</summary>
    public static readonly IReadOnlyList<string> Statuses = [ReportStatuses.New, ReportStatuses.Accepted, ReportStatuses.Closed, ReportStatuses.Rejected];

    /// <summary>
    /// Reports in the caller's districts, in <paramref name="districtPrefix"/> (digits, checked) and
    /// <paramref name="statuses"/> (checked against <see cref="Statuses"/>), newest first. The 90-day window of Open311
    /// does not apply to the staff queue.
    /// </summary>
    public async Task<IReadOnlyList<QueuedReport>> ListAsync(HttpContext http, string? districtPrefix, IReadOnlyList<string>? statuses, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var filter = new ReportFilter(null, null, null, null, null, null, 0, districtPrefix, statuses, limit, ReadScope.For(http, ResourceKinds.Report, Operations.ReadPersonal));
        var reports = await ReportSql.SearchAsync(connection, filter, ct);
        var contacts = await ReportSql.ContactsAsync(connection, [.. reports.Select(r => r.Id)], ct);
        return [.. reports.Select(r => new QueuedReport(r, contacts.GetValueOrDefault(r.Id) ?? new ReporterContact(null, null, null)))];
    }

    /// <summary>Facilities within 300 m of report <paramref name="id"/>, nearest first (the caller has read the report already).</summary>
    public async Task<IReadOnlyList<NearbyFacility>> FacilitiesNearAsync(long id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ReportSql.FacilitiesNearAsync(connection, id, 300, 12, ct);
    }

    /// <summary>Open reports of the caller's districts within 300 m of <paramref name="report"/>: candidates for a merge.</summary>
    public async Task<IReadOnlyList<PublicReport>> OpenReportsNearAsync(HttpContext http, PublicReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(report);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var near = new NetTopologySuite.Geometries.Point(report.Lon, report.Lat) { SRID = 4490 };
        var filter = new ReportFilter(null, null, null, null, null, near, 300, null, [ReportStatuses.New, ReportStatuses.Accepted], 20,
            ReadScope.For(http, ResourceKinds.Report, Operations.ReadPersonal));
        return [.. (await ReportSql.SearchAsync(connection, filter, ct)).Where(r => r.Id != report.Id)];
    }

    /// <summary>One report with its contact and history: 404 when there is none, 403 outside the caller's districts.</summary>
    public async Task<StepOutcome<TriagedReport>> GetAsync(HttpContext http, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var found = await ReportSql.SearchAsync(connection, new ReportFilter([id], null, null, null, null, null, 0, null, null, 1), ct);
        if (found.Count == 0)
        {
            return StepOutcome<TriagedReport>.Refused(WriteResults.NotFound(id));
        }

        if (await http.AuthorizeAsync(Operations.ReadPersonal, RegistryResource.In(ResourceKinds.Report, found[0].DistrictCode)) is { } denied)
        {
            return StepOutcome<TriagedReport>.Refused(denied);
        }

        var contacts = await ReportSql.ContactsAsync(connection, [id], ct);
        var history = await ReportSql.HistoryAsync(connection, id, ct);
        return StepOutcome<TriagedReport>.Applied(new TriagedReport(found[0], contacts.GetValueOrDefault(id) ?? new ReporterContact(null, null, null), history));
    }
}
