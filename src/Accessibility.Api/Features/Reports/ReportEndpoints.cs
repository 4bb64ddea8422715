using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Reports;

/// <summary>
/// <c>/api/v1/reports</c>: the public tracking view (status and history, no contact data), "me too" and
/// reopening by the reporter; and triage by district staff in their scope: the queue, accept (a defect on the
/// facility, through the defects feature, or a task to register a missing facility), reject with a reason,
/// merge into another report (mark duplicate) and unmerge.
/// </summary>
public static class ReportEndpoints
{
    private const string Json = "application/json";

    /// <summary>Days after closing during which the reporter may reopen.</summary>
    public const int ReopenDays = 30;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/reports").WithTags("Reports");
        group.MapGet("{id:long}", Track)
            .WithName("TrackReport").RequireAccess(ResourceKinds.Report, Operations.Read).WithSummary("A report's public status and history (no contact data).")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("{id:long}/me-too", MeToo)
            .WithName("MeTooReport").RequireAccess(ResourceKinds.Report, Operations.Create).WithSummary("Adds a \"me too\" to an open report (anonymous, rate-limited).")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesProblem(StatusCodes.Status409Conflict)
            .RequireRateLimiting(Open311Endpoints.RateLimitPolicy);
        group.MapPost("{id:long}/reopen", Reopen)
            .WithName("ReopenReport").RequireAccess(ResourceKinds.Report, Operations.Create).WithSummary("The reporter reopens a closed report within 30 days, with the reporter key from filing.")
            .Accepts<ReopenRequest>(Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
            .RequireRateLimiting(Open311Endpoints.RateLimitPolicy);
        group.MapGet("", Queue)
            .WithName("ReportQueue").RequireAccess(ResourceKinds.Report, Operations.ReadPersonal).WithSummary("Reports in the caller's districts, newest first, with contact data, for triage.")
            .Produces(StatusCodes.Status200OK, contentType: Json);
        group.MapPost("{id:long}/accept", Accept)
            .WithName("AcceptReport").RequireAccess(ResourceKinds.Report, Operations.Triage).WithSummary("Accepts a new report: a defect on the facility (or joins its unclosed one), or a task to register a missing facility.")
            .Accepts<AcceptReportRequest>(Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        group.MapPost("{id:long}/reject", Reject)
            .WithName("RejectReport").RequireAccess(ResourceKinds.Report, Operations.Triage).WithSummary("Rejects a new or accepted report, with a reason.")
            .Accepts<RejectReportRequest>(Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        group.MapPost("{id:long}/merge", Merge)
            .WithName("MergeReport").RequireAccess(ResourceKinds.Report, Operations.Triage).WithSummary("Marks a report a duplicate of another (its own duplicates follow).")
            .Accepts<MergeReportRequest>(Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        group.MapPost("{id:long}/unmerge", Unmerge)
            .WithName("UnmergeReport").RequireAccess(ResourceKinds.Report, Operations.Triage).WithSummary("Separates a duplicate from the report it was linked to.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        return app;
    }

    private static async Task<IResult> Track(long id, HttpRequest request, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var found = await ReportSql.SearchAsync(connection, new ReportFilter([id], null, null, null, null, null, 0, null, null, 1), ct);
        if (found.Count == 0)
        {
            return WriteResults.NotFound(id);
        }

        if (await request.HttpContext.AuthorizeAsync(Operations.Read, RegistryResource.In(ResourceKinds.Report, found[0].DistrictCode)) is { } denied)
        {
            return denied;
        }

        var history = await ReportSql.HistoryAsync(connection, id, ct);
        var body = Open311Endpoints.ToOpen311(found[0], request)
            .With("state", found[0].Status)
            .With("closed_datetime", found[0].ClosedAt)
            .With("history", new O311List("event", [.. history.Select(h => (object?)new O311Object()
                .With("at", h.At).With("from", h.From).With("to", h.To).With("note", h.Note))]));
        return TypedResults.Text(Open311Format.ToJson(body), Json, System.Text.Encoding.UTF8);
    }

    private static async Task<IResult> MeToo(long id, RegistryDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var report = await db.Reports.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (report is null)
        {
            return WriteResults.NotFound(id);
        }

        // A "me too" on a duplicate counts for the report it duplicates.
        var target = report.DuplicateOfId is { } primary ? await db.Reports.SingleAsync(r => r.Id == primary, ct) : report;
        if (target.Status is ReportStatuses.Closed or ReportStatuses.Rejected)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Closed", detail: "Report " + WriteResults.Id(target.Id) + " is closed.");
        }

        var count = await db.Reports.Where(r => r.Id == target.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.MeTooCount, r => r.MeTooCount + 1).SetProperty(r => r.UpdatedAt, clock.GetUtcNow()), ct);
        var meToo = await db.Reports.Where(r => r.Id == target.Id).Select(r => r.MeTooCount).SingleAsync(ct);
        return count == 1 ? TypedResults.Ok(new MeTooResponse(target.Id, meToo)) : WriteResults.NotFound(id);
    }

    private static async Task<IResult> Reopen(long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ReopenRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return await StepAsync(id, http, db, audit, clock, checkScope: false, ct, async (report, errors, now) =>
        {
            if (request.ReporterKey is null || report.ReporterKeyHash is null
                || !string.Equals(ApiTokens.Hash(request.ReporterKey), report.ReporterKeyHash, StringComparison.Ordinal))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Wrong reporter key", detail: "Only the reporter, with the key given when filing, may reopen a report.");
            }

            if (report.Status is not (ReportStatuses.Closed or ReportStatuses.Rejected) || report.ClosedAt is not { } closed)
            {
                return Conflict(report, "it is not closed");
            }

            if (now - closed > TimeSpan.FromDays(ReopenDays))
            {
                return Conflict(report, "it was closed more than 30 days ago; file a new report");
            }

            Text.Optional(errors, "reason", request.Reason, 4000);
            if (!errors.IsEmpty)
            {
                return errors.ToResult();
            }

            report.DefectId = null;
            ReportWorkflow.Apply(db, report, ReportStatuses.New, "报告人重新打开 / Reopened by the reporter: " + (Text.Clean(request.Reason) ?? "problem not solved"), null, now);
            await Task.CompletedTask;
            return null;
        });
    }

    private static async Task<IResult> Queue(HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var q = http.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var prefix = InspectionEndpoints.DistrictPrefix(q["district"], errors);
        var limit = Paging.ParseInt(q["limit"], "limit", 100, 1, 1000, errors);
        var statuses = q["status"].ToString() is { Length: > 0 } s ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
        if (statuses?.FirstOrDefault(x => x is not (ReportStatuses.New or ReportStatuses.Accepted or ReportStatuses.Closed or ReportStatuses.Rejected)) is { } bad)
        {
            errors["status"] = ["Unknown status " + bad + "; expected new, accepted, closed or rejected."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // The 90-day window of Open311 does not apply to the staff queue.
        var filter = new ReportFilter(null, null, null, null, null, null, 0, prefix, statuses, limit, ReadScope.For(http, ResourceKinds.Report, Operations.ReadPersonal));
        var reports = await ReportSql.SearchAsync(connection, filter, ct);
        var contacts = await ContactsAsync(connection, [.. reports.Select(r => r.Id)], ct);
        var list = reports.Select(r =>
        {
            var o = Open311Endpoints.ToOpen311(r, http.Request).With("state", r.Status).With("district_code", r.DistrictCode)
                .With("defect_id", r.DefectId).With("facility_id", r.FacilityId);
            var c = contacts.GetValueOrDefault(r.Id);
            return (object?)o.With("contact", new O311Object().With("email", c.Email).With("phone", c.Phone).With("name", c.Name));
        }).ToList();
        return TypedResults.Text(Open311Format.ToJson(new O311Object().With("reports", new O311List("report", list))), Json, System.Text.Encoding.UTF8);
    }

    private static async Task<Dictionary<long, (string? Email, string? Phone, string? Name)>> ContactsAsync(NpgsqlConnection connection, long[] ids, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT id, email, phone, nullif(concat_ws(' ', last_name, first_name), '') FROM reports WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids);
        var map = new Dictionary<long, (string?, string?, string?)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            map[reader.GetInt64(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }

        return map;
    }

    private static async Task<IResult> Accept(long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, ChecklistCatalog checklists, InspectionRecorder recorder, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<AcceptReportRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return await StepAsync(id, http, db, audit, clock, checkScope: true, ct, async (report, errors, now) =>
        {
            if (report.Status != ReportStatuses.New)
            {
                return Conflict(report, "only a new report can be accepted");
            }

            Text.Optional(errors, "note", request.Note, 4000);
            var facilityId = request.FacilityId ?? report.FacilityId;
            if (facilityId is null)
            {
                if (!errors.IsEmpty)
                {
                    return errors.ToResult();
                }

                await ReportWorkflow.ChangeAsync(db, report, ReportStatuses.Accepted,
                    Text.Clean(request.Note) ?? "已受理：登记缺失设施 / Accepted: task to register the missing facility.", UserPrincipal.UserId(http.User), now, ct);
                return null;
            }

            var facility = await db.Facilities.AsNoTracking().SingleOrDefaultAsync(f => f.Id == facilityId && f.DeletedAt == null, ct);
            if (facility is null)
            {
                return errors.Add("facilityId", "No facility " + WriteResults.Id(facilityId.Value) + ".").ToResult();
            }

            if (await http.AuthorizeAsync(Operations.Triage, RegistryResource.In(ResourceKinds.Report, facility.DistrictCode)) is { } denied)
            {
                return denied;
            }

            var hasChecklist = checklists.TryGet(facility.Kind, out var kindChecklist);
            if (hasChecklist && Text.Clean(request.Item) is null)
            {
                // A re-inspection verifies a defect by its checklist item: without one, it could never close.
                return errors.Add("item", "Name the checklist item of the problem: " + string.Join(", ", kindChecklist!.Items.Select(i => i.Code)) + ".").ToResult();
            }

            var item = Text.Clean(request.Item) ?? "report_" + report.ServiceCode;
            var severity = Text.Clean(request.Severity);
            if (Text.Clean(request.Item) is not null)
            {
                var checklistItem = checklists.TryGet(facility.Kind, out var checklist) ? checklist.Find(item) : null;
                if (checklistItem is null)
                {
                    errors.Add("item", "Not an item of the " + facility.Kind + " checklist.");
                }

                severity ??= checklistItem?.Severity;
            }

            severity ??= "major";
            if (!ChecklistCatalog.Severities.Contains(severity, StringComparer.Ordinal))
            {
                errors.Add("severity", "Expected one of " + string.Join(", ", ChecklistCatalog.Severities) + ".");
            }

            if (!errors.IsEmpty)
            {
                return errors.ToResult();
            }

            var actor = new Actor(UserPrincipal.UserId(http.User), http.User.Identity?.Name ?? "unknown");
            // An unclosed defect of the same item already tracks the problem: the report joins it.
            var defect = await db.Defects.SingleOrDefaultAsync(d => d.FacilityId == facility.Id && d.Item == item && DefectStatuses.Active.Contains(d.Status), ct);
            if (defect is null)
            {
                defect = recorder.NewDefect(facility, item, severity, now, now, actor,
                    "来自群众报告 / From public report " + WriteResults.Id(report.Id) + (report.Description is null ? "" : ": " + report.Description), null);
                db.Defects.Add(defect);
                await db.SaveChangesAsync(ct);
                audit.Record(http, AuditActions.Create, InspectionRecorder.AuditDefect, WriteResults.Id(defect.Id), null,
                    new { status = defect.Status, facilityId = defect.FacilityId, item, severity, dueAt = defect.DueAt, reportId = report.Id });
            }

            report.FacilityId = facility.Id;
            report.DefectId = defect.Id;
            await ReportWorkflow.ChangeAsync(db, report, ReportStatuses.Accepted,
                Text.Clean(request.Note) ?? "已受理，已转缺陷 " + WriteResults.Id(defect.Id) + " 整改 / Accepted: defect " + WriteResults.Id(defect.Id) + " for repair.",
                actor.UserId, now, ct);
            return null;
        });
    }

    private static async Task<IResult> Reject(long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RejectReportRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return await StepAsync(id, http, db, audit, clock, checkScope: true, ct, async (report, errors, now) =>
        {
            if (report.Status is not (ReportStatuses.New or ReportStatuses.Accepted))
            {
                return Conflict(report, "it is closed already");
            }

            Text.Require(errors, "reason", request.Reason, 4000);
            if (!errors.IsEmpty)
            {
                return errors.ToResult();
            }

            await ReportWorkflow.ChangeAsync(db, report, ReportStatuses.Rejected, Text.Clean(request.Reason), UserPrincipal.UserId(http.User), now, ct);
            return null;
        });
    }

    private static async Task<IResult> Merge(long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<MergeReportRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return await StepAsync(id, http, db, audit, clock, checkScope: true, ct, async (report, errors, now) =>
        {
            var into = request.Into is { } i ? await db.Reports.SingleOrDefaultAsync(r => r.Id == i, ct) : null;
            if (into?.DuplicateOfId is { } root)
            {
                into = await db.Reports.SingleAsync(r => r.Id == root, ct);
            }

            if (into is null || into.Id == report.Id)
            {
                return errors.Add("into", "Name another existing report.").ToResult();
            }

            if (await http.AuthorizeAsync(Operations.Triage, RegistryResource.In(ResourceKinds.Report, into.DistrictCode)) is { } denied)
            {
                return denied;
            }

            // The report's own duplicates move along, so duplicates never chain.
            await db.Reports.Where(r => r.DuplicateOfId == report.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.DuplicateOfId, into.Id), ct);
            report.DuplicateOfId = into.Id;
            var note = "已合并到报告 " + WriteResults.Id(into.Id) + " / Merged into report " + WriteResults.Id(into.Id) + ".";
            report.StatusNotes = note;
            report.UpdatedAt = now;
            db.ReportEvents.Add(new ReportEvent { ReportId = report.Id, At = now, FromStatus = report.Status, ToStatus = report.Status, Note = note, ActorUserId = UserPrincipal.UserId(http.User) });
            return null;
        });
    }

    private static Task<IResult> Unmerge(long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct) =>
        StepAsync(id, http, db, audit, clock, checkScope: true, ct, (report, _, now) =>
        {
            if (report.DuplicateOfId is not { } from)
            {
                return Task.FromResult<IResult?>(Conflict(report, "it is not linked to another report"));
            }

            report.DuplicateOfId = null;
            var note = "已与报告 " + WriteResults.Id(from) + " 分开 / Separated from report " + WriteResults.Id(from) + ".";
            report.StatusNotes = note;
            report.UpdatedAt = now;
            db.ReportEvents.Add(new ReportEvent { ReportId = report.Id, At = now, FromStatus = report.Status, ToStatus = report.Status, Note = note, ActorUserId = UserPrincipal.UserId(http.User) });
            return Task.FromResult<IResult?>(null);
        });

    /// <summary>
    /// One step: lock the report, 404, scope (403), the step itself (null when applied, else the answer), then the
    /// audit entry and one commit; answers the public tracking view.
    /// </summary>
    private static async Task<IResult> StepAsync(
        long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, bool checkScope, CancellationToken ct,
        Func<Report, FieldErrors, DateTimeOffset, Task<IResult?>> apply)
    {
        await db.Database.OpenConnectionAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var report = (await db.Reports.FromSql($"SELECT * FROM reports WHERE id = {id} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (report is null)
        {
            return WriteResults.NotFound(id);
        }

        if (checkScope && await http.AuthorizeAsync(Operations.Triage, RegistryResource.In(ResourceKinds.Report, report.DistrictCode)) is { } denied)
        {
            return denied;
        }

        var before = new { status = report.Status, duplicateOf = report.DuplicateOfId, defectId = report.DefectId };
        var now = clock.GetUtcNow();
        if (await apply(report, new FieldErrors(), now) is { } refused)
        {
            return refused;
        }

        audit.Record(http, AuditActions.Update, ReportIntake.AuditEntityType, WriteResults.Id(id), before,
            new { status = report.Status, duplicateOf = report.DuplicateOfId, defectId = report.DefectId, note = report.StatusNotes });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await Track(id, http.Request, http.RequestServices.GetRequiredService<NpgsqlDataSource>(), ct);
    }

    private static IResult Conflict(Report report, string why) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Not allowed in this status",
        detail: "Report " + WriteResults.Id(report.Id) + " is " + report.Status + ": " + why + ".",
        extensions: new Dictionary<string, object?> { ["status"] = report.Status });
}

/// <summary>Answer of a "me too".</summary>
/// <param name="Id">The report counted (the primary of a duplicate).</param>
/// <param name="MeToo">Its count.</param>
public sealed record MeTooResponse(long Id, int MeToo);

/// <summary>Body of a reopening.</summary>
/// <param name="ReporterKey">The key given when filing.</param>
/// <param name="Reason">Why.</param>
public sealed record ReopenRequest(string? ReporterKey, string? Reason);

/// <summary>Body of an acceptance.</summary>
/// <param name="FacilityId">Facility with the problem; none: a task to register a missing facility.</param>
/// <param name="Item">Checklist item of the facility's kind (required when the kind has a checklist, so a re-inspection can verify it); else <c>report_{service_code}</c>.</param>
/// <param name="Severity">critical, major or minor; default the item's, else major.</param>
/// <param name="Note">Public note.</param>
public sealed record AcceptReportRequest(long? FacilityId, string? Item, string? Severity, string? Note);

/// <summary>Body of a rejection.</summary>
/// <param name="Reason">Why (required, public).</param>
public sealed record RejectReportRequest(string? Reason);

/// <summary>Body of a merge.</summary>
/// <param name="Into">The report this one duplicates.</param>
public sealed record MergeReportRequest(long? Into);
