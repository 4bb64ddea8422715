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

    private static async Task<IResult> Reopen(long id, HttpContext http, ReopenReport reopen, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ReopenRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, await reopen.RunAsync(http, id, request, ct), ct);
    }

    private static async Task<IResult> Queue(HttpContext http, ReportTriageQueue queue, CancellationToken ct)
    {
        var q = http.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var prefix = InspectionEndpoints.DistrictPrefix(q["district"], errors);
        var limit = Paging.ParseInt(q["limit"], "limit", 100, 1, 1000, errors);
        var statuses = q["status"].ToString() is { Length: > 0 } s ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
        if (statuses?.FirstOrDefault(x => !ReportTriageQueue.Statuses.Contains(x, StringComparer.Ordinal)) is { } bad)
        {
            errors["status"] = ["Unknown status " + bad + "; expected new, accepted, closed or rejected."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var reports = await queue.ListAsync(http, prefix, statuses, limit, ct);
        var list = reports.Select(queued =>
        {
            var (r, c) = (queued.Report, queued.Contact);
            var o = Open311Endpoints.ToOpen311(r, http.Request).With("state", r.Status).With("district_code", r.DistrictCode)
                .With("defect_id", r.DefectId).With("facility_id", r.FacilityId);
            return (object?)o.With("contact", new O311Object().With("email", c.Email).With("phone", c.Phone).With("name", c.Name));
        }).ToList();
        return TypedResults.Text(Open311Format.ToJson(new O311Object().With("reports", new O311List("report", list))), Json, System.Text.Encoding.UTF8);
    }

    private static async Task<IResult> Accept(long id, HttpContext http, AcceptReport accept, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<AcceptReportRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, await accept.RunAsync(http, id, request, ct), ct);
    }

    private static async Task<IResult> Reject(long id, HttpContext http, RejectReport reject, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RejectReportRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, await reject.RunAsync(http, id, request, ct), ct);
    }

    private static async Task<IResult> Merge(long id, HttpContext http, MergeReport merge, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<MergeReportRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, await merge.RunAsync(http, id, request, ct), ct);
    }

    private static async Task<IResult> Unmerge(long id, HttpContext http, UnmergeReport unmerge, CancellationToken ct) =>
        await Answer(http, await unmerge.RunAsync(http, id, ct), ct);

    /// <summary>The answer to a step: the public tracking view of the report, or the refusal.</summary>
    private static Task<IResult> Answer(HttpContext http, StepOutcome<long> outcome, CancellationToken ct) =>
        outcome.ToResultAsync(id => Track(id, http.Request, http.RequestServices.GetRequiredService<NpgsqlDataSource>(), ct));
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
/// <param name="ValidFrom">When it was closed, when entered late (a date, yyyy-MM-dd China Standard Time, or an instant); default now.</param>
public sealed record RejectReportRequest(string? Reason, string? ValidFrom = null);

/// <summary>Body of a merge.</summary>
/// <param name="Into">The report this one duplicates.</param>
public sealed record MergeReportRequest(long? Into);
