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
            .WithName("DefectStats").RequireAccess(ResourceKinds.Defect, Operations.Read).WithSummary("Open and overdue defects of a district by severity and managing unit, and the median days to repair.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesValidationProblem();
        group.MapGet("{id:long}", Get)
            .WithName("GetDefect").RequireAccess(ResourceKinds.Defect, Operations.Read).WithSummary("One defect with its full history.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("{id:long}/assign", Assign)
            .WithName("AssignDefect").RequireAccess(ResourceKinds.Defect, Operations.Update).WithSummary("Assigns an open (or reassigns an assigned) defect to its managing unit.")
            .Accepts<AssignRequest>(Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        group.MapPost("{id:long}/fix", Fix)
            .WithName("FixDefect").RequireAccess(ResourceKinds.Defect, Operations.Update).WithSummary("Reports an open or assigned defect fixed, with evidence (a note, photos optional); a re-inspection verifies it.")
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

    private static async Task<IResult> List(HttpRequest request, NpgsqlDataSource dataSource, CancellationToken ct)
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

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var json = await DefectSql.ListAsync(connection, filter with { Scope = ReadScope.For(request.HttpContext, ResourceKinds.Defect, Operations.Read) }, limit, offset,
            StaffNames(request.HttpContext), ct);
        return new RawJsonResult(json, contentType: Json);
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

    private static async Task<IResult> Stats(HttpRequest request, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var prefix = InspectionEndpoints.DistrictPrefix(request.Query["district"], errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return new RawJsonResult(await DefectSql.StatsAsync(connection, prefix, ct, ReadScope.For(request.HttpContext, ResourceKinds.Defect, Operations.Read)), contentType: Json);
    }

    /// <summary>Whether staff who acted on defects are named (rule table, read-personal; the SQL leaves them out otherwise).</summary>
    private static bool StaffNames(HttpContext http) =>
        AccessRules.Allows(http.User, Operations.ReadPersonal.Name, new RegistryResource(ResourceKinds.Defect, null));

    private static async Task<IResult> Get(long id, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await DefectSql.ByIdAsync(connection, id, StaffNames(http), ct) is not { } stored)
        {
            return WriteResults.NotFound(id);
        }

        return await http.AuthorizeAsync(Operations.Read, RegistryResource.In(ResourceKinds.Defect, stored.DistrictCode)) is { } denied
            ? denied
            : new RawJsonResult(stored.Json, contentType: Json);
    }

    private static async Task<IResult> Assign(long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<AssignRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return await TransitionAsync(id, http, db, audit, clock, [DefectStatuses.Open, DefectStatuses.Assigned], DefectStatuses.Assigned, ct,
            (defect, errors) =>
            {
                Text.Optional(errors, "managingUnit", request.ManagingUnit, 200);
                Text.Optional(errors, "note", request.Note, 4000);
                var unit = Text.Clean(request.ManagingUnit) ?? defect.ManagingUnit;
                if (unit is null)
                {
                    errors.Add("managingUnit", "The facility has no managing unit on record: name the unit the defect is assigned to.");
                }

                defect.ManagingUnit = unit;
                return (Text.Clean(request.Note) ?? "Assigned to " + unit, []);
            });
    }

    private static async Task<IResult> Fix(long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<FixRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var photos = request.PhotoIds ?? [];
        var connection = await WriteResults.OpenAsync(db, ct);
        var missing = await InspectionSql.MissingPhotosAsync(connection, photos, ct);
        return await TransitionAsync(id, http, db, audit, clock, [DefectStatuses.Open, DefectStatuses.Assigned], DefectStatuses.Fixed, ct,
            (_, errors) =>
            {
                Text.Require(errors, "note", request.Note, 4000);
                foreach (var (photo, i) in photos.Select((p, i) => (p, i)).Where(p => p.p == Guid.Empty || missing.Contains(p.p)))
                {
                    errors.Add("photoIds[" + i.ToString(CultureInfo.InvariantCulture) + "]", "No stored photo " + photo.ToString() + "; upload it first (POST /api/v1/photos).");
                }

                return (Text.Clean(request.Note), [.. photos]);
            });
    }

    private static async Task<IResult> Reject(long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RejectRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return await TransitionAsync(id, http, db, audit, clock, DefectStatuses.Active, DefectStatuses.Rejected, ct,
            (_, errors) =>
            {
                Text.Require(errors, "reason", request.Reason, 4000);
                return (Text.Clean(request.Reason), []);
            });
    }

    /// <summary>
    /// One lifecycle step: 404, scope (403), allowed from-status (409 naming the current status), the step's own
    /// checks (422), then the change, its history entry and its audit entry in one transaction.
    /// </summary>
    private static async Task<IResult> TransitionAsync(
        long id, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, IReadOnlyList<string> from, string to, CancellationToken ct,
        Func<Defect, FieldErrors, (string? Note, Guid[] Photos)> apply)
    {
        var connection = await WriteResults.OpenAsync(db, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // FOR UPDATE: two concurrent steps on one defect are applied one after the other, each checking the status it finds.
        var defect = (await db.Defects.FromSql($"SELECT * FROM defects WHERE id = {id} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (defect is null)
        {
            return WriteResults.NotFound(id);
        }

        if (await http.AuthorizeAsync(Operations.Update, RegistryResource.In(ResourceKinds.Defect, defect.DistrictCode)) is { } denied)
        {
            return denied;
        }

        if (!from.Contains(defect.Status, StringComparer.Ordinal))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Not allowed in this status",
                detail: $"Defect {id.ToString(CultureInfo.InvariantCulture)} is {defect.Status}; it can become {to} only from {string.Join(" or ", from)}.",
                extensions: new Dictionary<string, object?> { ["status"] = defect.Status });
        }

        var errors = new FieldErrors();
        var before = defect.Status;
        var beforeUnit = defect.ManagingUnit;
        var (note, photos) = apply(defect, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToResult();
        }

        var now = clock.GetUtcNow();
        var actor = new Actor(UserPrincipal.UserId(http.User), http.User.Identity?.Name ?? "unknown");
        defect.Status = to;
        defect.UpdatedAt = now;
        if (to == DefectStatuses.Rejected)
        {
            defect.ClosedAt = now;
        }

        var entry = InspectionRecorder.Event(actor, now, before, to, note, null, photos);
        entry.DefectId = defect.Id;
        db.DefectEvents.Add(entry);
        audit.Record(http, AuditActions.Update, InspectionRecorder.AuditDefect, id.ToString(CultureInfo.InvariantCulture),
            new { status = before, managingUnit = beforeUnit },
            new { status = to, managingUnit = defect.ManagingUnit, note, photoIds = photos });
        await db.SaveChangesAsync(ct);
        var stored = await DefectSql.ByIdAsync(connection, id, StaffNames(http), ct);
        await tx.CommitAsync(ct);
        return new RawJsonResult(stored!.Value.Json, contentType: Json);
    }

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
public sealed record AssignRequest(string? ManagingUnit, string? Note);

/// <summary>Body of a fix report: evidence.</summary>
/// <param name="Note">What was done (required).</param>
/// <param name="PhotoIds">Photos of the repair.</param>
public sealed record FixRequest(string? Note, List<Guid>? PhotoIds);

/// <summary>Body of a rejection.</summary>
/// <param name="Reason">Why (required).</param>
public sealed record RejectRequest(string? Reason);
