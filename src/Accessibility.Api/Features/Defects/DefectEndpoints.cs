using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Defects;

/// <summary>
/// <c>/api/v1/defects</c>: lists, one defect with its history, the lifecycle steps (assign, fix with evidence,
/// reject with a reason) and the district figures. Verification and reopening happen through re-inspections.
/// </summary>
public static class DefectEndpoints
{
    private const string Json = "application/json";

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapDefectEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/defects").WithTags("Defects");
        group.MapGet("", List)
            .WithName("ListDefects").RequireAccess(ResourceKinds.Defect, Operations.Read).WithSummary("Defects, most urgent first, filtered by district, status, severity, managing unit and overdue, paged.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesValidationProblem();
        group.MapGet("stats", Stats)
            .WithName("DefectStats").RequireAccess(ResourceKinds.Defect, Operations.Read).WithSummary("Open and overdue defects of a district by severity and managing unit, and the median days to repair; with asOf (and knownAt), as they stood at the end of that day.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesValidationProblem();
        group.MapGet("{id:long}", Get)
            .WithName("GetDefect").RequireAccess(ResourceKinds.Defect, Operations.Read).WithSummary("One defect with its full history.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("{id:long}/assign", Assign)
            .WithName("AssignDefect").RequireAccess(ResourceKinds.Defect, Operations.Update).WithSummary("Assigns an open (or reassigns an assigned) defect to its managing unit, optionally with a new due date.")
            .Accepts<AssignRequest>(Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        group.MapPost("{id:long}/fix", Fix)
            .WithName("FixDefect").RequireAccess(ResourceKinds.Defect, Operations.Repair).WithSummary("Reports an open or assigned defect fixed, with evidence (a note; photos, at least one from a managing unit); a re-inspection verifies it. A managing unit may fix only the defects assigned to it.")
            .Accepts<FixRequest>(Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        group.MapPost("{id:long}/reject", Reject)
            .WithName("RejectDefect").RequireAccess(ResourceKinds.Defect, Operations.Update).WithSummary("Rejects an unclosed defect, with a reason.")
            .Accepts<RejectRequest>(Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        return app;
    }

    private static async Task<IResult> List(HttpRequest request, DefectBoard board, CancellationToken ct)
    {
        var q = request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var filter = ParseFilter(q, errors);
        var limit = Paging.ParseInt(q["limit"], "limit", 100, 1, 1000, errors);
        var offset = Paging.ParseInt(q["offset"], "offset", 0, 0, int.MaxValue - 1000, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return new RawJsonResult(await board.ListJsonAsync(request.HttpContext, filter, limit, offset, ct), contentType: Json);
    }

    /// <summary>The list filters (district, status, severity, managingUnit, overdue, facility); the exports take them too.</summary>
    internal static DefectFilter ParseFilter(IQueryCollection q, Dictionary<string, string[]> errors)
    {
        var prefix = InspectionEndpoints.DistrictPrefix(q["district"], errors);
        var status = OneOf(q["status"], "status", DefectStatuses.All, errors);
        var severity = OneOf(q["severity"], "severity", ChecklistCatalog.Severities, errors);
        bool? overdue = q["overdue"].ToString() switch
        {
            "" => null,
            "true" => true,
            "false" => false,
            _ => Error<bool>(errors, "overdue", "Expected true or false."),
        };
        long? facility = null;
        if (q["facility"].ToString() is { Length: > 0 } f)
        {
            facility = long.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : Error<long>(errors, "facility", "Expected a facility id.");
        }

        var unit = q["managingUnit"].ToString().Trim();
        return new DefectFilter(prefix, status, severity, unit.Length > 0 ? unit : null, overdue, facility);
    }

    private static async Task<IResult> Stats(HttpRequest request, DefectBoard board, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var prefix = InspectionEndpoints.DistrictPrefix(request.Query["district"], errors);
        var asOf = AsOfStatement.Parse(request.Query, clock, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return new RawJsonResult(await board.StatsJsonAsync(request.HttpContext, prefix, ct, asOf), contentType: Json);
    }

    private static async Task<IResult> Get(long id, HttpContext http, DefectBoard board, CancellationToken ct) =>
        await (await board.GetJsonAsync(http, id, ct)).ToResultAsync(json => Task.FromResult<IResult>(new RawJsonResult(json, contentType: Json)));

    private static async Task<IResult> Assign(long id, HttpContext http, AssignDefect assign, DefectBoard board, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<AssignRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, board, await assign.RunAsync(http, id, request, ct), ct);
    }

    private static async Task<IResult> Fix(long id, HttpContext http, FixDefect fix, DefectBoard board, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<FixRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, board, await fix.RunAsync(http, id, request, ct), ct);
    }

    private static async Task<IResult> Reject(long id, HttpContext http, RejectDefect reject, DefectBoard board, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RejectRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, board, await reject.RunAsync(http, id, request, ct), ct);
    }

    /// <summary>The answer to a step: the defect as it is now, or the refusal.</summary>
    private static Task<IResult> Answer(HttpContext http, DefectBoard board, StepOutcome<long> outcome, CancellationToken ct) =>
        outcome.ToResultAsync(async id => await (await board.GetJsonAsync(http, id, ct)).ToResultAsync(json => Task.FromResult<IResult>(new RawJsonResult(json, contentType: Json))));

    private static string? OneOf(string? value, string field, IReadOnlyList<string> allowed, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (allowed.Contains(value.Trim(), StringComparer.Ordinal))
        {
            return value.Trim();
        }

        errors[field] = ["Expected one of " + string.Join(", ", allowed) + "."];
        return null;
    }

    private static T? Error<T>(Dictionary<string, string[]> errors, string field, string message)
        where T : struct
    {
        errors[field] = [message];
        return null;
    }
}

/// <summary>Body of an assignment.</summary>
/// <param name="ManagingUnit">Unit responsible; the facility's managing unit when absent.</param>
/// <param name="Note">Note.</param>
/// <param name="DueAt">New repair due date; the one set from the severity when absent. Not in the past.</param>
public sealed record AssignRequest(string? ManagingUnit, string? Note, DateTimeOffset? DueAt = null);

/// <summary>Body of a fix report: evidence.</summary>
/// <param name="Note">What was done (required).</param>
/// <param name="PhotoIds">Photos of the repair.</param>
/// <param name="ValidFrom">When it was fixed, when entered late (a date, yyyy-MM-dd China Standard Time, or an instant); default now.</param>
public sealed record FixRequest(string? Note, List<Guid>? PhotoIds, string? ValidFrom = null);

/// <summary>Body of a rejection.</summary>
/// <param name="Reason">Why (required).</param>
/// <param name="ValidFrom">When it was closed, when entered late (a date or an instant); default now.</param>
public sealed record RejectRequest(string? Reason, string? ValidFrom = null);
