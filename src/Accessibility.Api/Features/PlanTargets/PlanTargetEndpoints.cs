using System.Globalization;
using System.Text.RegularExpressions;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.PlanTargets;

/// <summary>
/// <c>/api/v1/plan-targets</c>: the targets of each district's five-year plan. Plans are public documents, so reads
/// are public; district administrators maintain their districts' targets.
/// </summary>
public static partial class PlanTargetEndpoints
{
    /// <summary>Entity type in the audit log.</summary>
    public const string AuditEntityType = "plan_target";

    private static readonly string[] Comparators = [">=", ">", "=", "<=", "<"];

    /// <summary>Maps the plan target routes.</summary>
    public static IEndpointRouteBuilder MapPlanTargets(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/plan-targets").WithTags("Plan targets");
        group.MapGet("", List).WithName("ListPlanTargets").RequireAccess(ResourceKinds.PlanTarget, Operations.Read)
            .WithSummary("Plan targets of a district; with ancestors=true also those of the prefecture and province above it.")
            .Produces<PlanTargetList>().ProducesValidationProblem();
        group.MapGet("{id:long}", Get).WithName("GetPlanTarget").RequireAccess(ResourceKinds.PlanTarget, Operations.Read).WithSummary("One plan target, with its version as ETag.")
            .Produces<PlanTargetResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("", Create).WithName("CreatePlanTarget").RequireAccess(ResourceKinds.PlanTarget, Operations.Create).WithSummary("Adds a target from a plan (district administrators).")
            .Accepts<PlanTargetRequest>("application/json").Produces<PlanTargetResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        group.MapPut("{id:long}", Update).WithName("UpdatePlanTarget").RequireAccess(ResourceKinds.PlanTarget, Operations.Update)
            .WithSummary("Replaces a target; send the version read (If-Match or version), a stale one gets 409 and the current target.")
            .Accepts<PlanTargetRequest>("application/json").Produces<PlanTargetResponse>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict)
            ;
        group.MapDelete("{id:long}", Delete).WithName("DeletePlanTarget").RequireAccess(ResourceKinds.PlanTarget, Operations.Delete).WithSummary("Removes a target; the audit log keeps it.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        return app;
    }

    private static async Task<IResult> List(HttpContext http, RegistryDbContext db, string? district, string? ancestors, CancellationToken ct)
    {
        var errors = new FieldErrors();
        string? code = null;
        if (district is not null && !DistrictCodes.TryNormalize(district, out code!))
        {
            errors.Add("district", $"'{district}' is not a GB/T 2260 code.");
        }

        var withAncestors = ancestors is null or "false" ? false : ancestors == "true" ? true : (bool?)null;
        if (withAncestors is null)
        {
            errors.Add("ancestors", "Expected true or false.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest);
        }

        var codes = code is null ? null : withAncestors == true ? SelfAndAncestors(code) : [code];
        // With an API key, only the targets of its districts (the prefecture's and province's above them are outside).
        var patterns = ReadScope.For(http, ResourceKinds.PlanTarget, Operations.Read).LikePatterns;
        var targets = await db.PlanTargets.AsNoTracking()
            .Where(t => codes == null || codes.Contains(t.DistrictCode))
            .Where(t => patterns == null || patterns.Any(p => EF.Functions.Like(t.DistrictCode, p)))
            .OrderBy(t => t.DistrictCode).ThenBy(t => t.Indicator).ThenBy(t => t.Id)
            .ToListAsync(ct);
        return TypedResults.Ok(new PlanTargetList(targets.Select(PlanTargetResponse.From).ToList()));
    }

    private static async Task<IResult> Get(long id, RegistryDbContext db, HttpContext http, CancellationToken ct)
    {
        var target = await db.PlanTargets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        if (target is null)
        {
            return NotFound(id);
        }

        if (await http.AuthorizeAsync(Operations.Read, RegistryResource.In(ResourceKinds.PlanTarget, target.DistrictCode)) is { } denied)
        {
            return denied;
        }

        http.Response.Headers.ETag = ETags.Format(target.Version);
        return TypedResults.Ok(PlanTargetResponse.From(target));
    }

    private static async Task<IResult> Create(HttpContext http, RegistryDbContext db, AuditLog audit, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PlanTargetRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var errors = await ValidateAsync(request, db, ct);
        if (!errors.IsEmpty)
        {
            return errors.ToResult();
        }

        var code = DistrictCodes.Normalize(request.DistrictCode!);
        if (await http.AuthorizeAsync(Operations.Create, RegistryResource.In(ResourceKinds.PlanTarget, code)) is { } denied)
        {
            return denied;
        }

        var target = new PlanTarget
        {
            DistrictCode = code,
            Indicator = request.Indicator!,
            Title = request.Title!,
            SourceDocument = request.SourceDocument!,
        };
        request.ApplyTo(target);

        // The audit entry names the new id, so the row is saved first; one transaction keeps both or neither.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.PlanTargets.Add(target);
        await db.SaveChangesAsync(ct);
        audit.Record(http, "create", AuditEntityType, target.Id.ToString(CultureInfo.InvariantCulture), null, PlanTargetResponse.From(target));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        http.Response.Headers.ETag = ETags.Format(target.Version);
        return TypedResults.Created($"/api/v1/plan-targets/{target.Id}", PlanTargetResponse.From(target));
    }

    private static async Task<IResult> Update(long id, HttpContext http, RegistryDbContext db, AuditLog audit, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PlanTargetRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        // Who may change the target is settled before anything about the request is answered.
        var target = await db.PlanTargets.SingleOrDefaultAsync(t => t.Id == id, ct);
        if (target is null)
        {
            return NotFound(id);
        }

        if (await http.AuthorizeAsync(Operations.Update, RegistryResource.In(ResourceKinds.PlanTarget, target.DistrictCode)) is { } denied)
        {
            return denied;
        }

        var errors = await ValidateAsync(request, db, ct);
        if (!ETags.TryReadIfMatch(http.Request, out var ifMatch))
        {
            errors.Add("If-Match", "Expected the version as a quoted number, e.g. \"123\".");
        }

        var expected = ifMatch ?? request.Version;
        if (expected is null)
        {
            errors.Add("version", "Send the version you read (If-Match header or version), so a concurrent change is not overwritten.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToResult();
        }

        var code = DistrictCodes.Normalize(request.DistrictCode!);
        if (await http.AuthorizeAsync(Operations.Update, RegistryResource.In(ResourceKinds.PlanTarget, code)) is { } moved)
        {
            return moved;
        }

        if (target.Version != expected)
        {
            return Stale(http, target);
        }

        var before = PlanTargetResponse.From(target);
        target.DistrictCode = code;
        target.Indicator = request.Indicator!;
        target.Title = request.Title!;
        target.SourceDocument = request.SourceDocument!;
        request.ApplyTo(target);
        audit.Record(http, "update", AuditEntityType, id.ToString(CultureInfo.InvariantCulture), before, PlanTargetResponse.From(target));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Lost the race between the version check and the write.
            db.ChangeTracker.Clear();
            return Stale(http, (await db.PlanTargets.AsNoTracking().SingleAsync(t => t.Id == id, ct)));
        }

        http.Response.Headers.ETag = ETags.Format(target.Version);
        return TypedResults.Ok(PlanTargetResponse.From(target));
    }

    private static async Task<IResult> Delete(long id, HttpContext http, RegistryDbContext db, AuditLog audit, CancellationToken ct)
    {
        var target = await db.PlanTargets.SingleOrDefaultAsync(t => t.Id == id, ct);
        if (target is null)
        {
            return NotFound(id);
        }

        if (await http.AuthorizeAsync(Operations.Delete, RegistryResource.In(ResourceKinds.PlanTarget, target.DistrictCode)) is { } denied)
        {
            return denied;
        }

        audit.Record(http, "delete", AuditEntityType, id.ToString(CultureInfo.InvariantCulture), PlanTargetResponse.From(target), null);
        db.PlanTargets.Remove(target);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<FieldErrors> ValidateAsync(PlanTargetRequest r, RegistryDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!DistrictCodes.TryNormalize(r.DistrictCode, out var code))
        {
            errors.Add("districtCode", "Required: the GB/T 2260 code of the district whose plan sets the target.");
        }
        else if (!await db.Districts.AnyAsync(d => d.Code == code, ct))
        {
            errors.Add("districtCode", $"No district has the code {code}.");
        }

        if (r.Indicator is null || !IndicatorPattern().IsMatch(r.Indicator))
        {
            errors.Add("indicator", "Required: a lower-case name such as household_renovations (letters, digits, underscores, up to 80).");
        }

        if (string.IsNullOrWhiteSpace(r.Title) || r.Title.Length > 500)
        {
            errors.Add("title", "Required: the indicator's wording in the plan (up to 500 characters).");
        }

        if (string.IsNullOrWhiteSpace(r.SourceDocument) || r.SourceDocument.Length > 500)
        {
            errors.Add("sourceDocument", "Required: the plan document the target comes from (up to 500 characters).");
        }

        if (r.Kind is null)
        {
            errors.Add("kind", "Required: count or ratio.");
        }

        if (r.Value is not { } value || value < 0)
        {
            errors.Add("value", "Required: zero or more.");
        }
        else if (r.Kind == PlanTargetKind.Ratio && value > 1)
        {
            errors.Add("value", "A ratio is given as a share from 0 to 1 (50 % is 0.5).");
        }

        if (r.Comparator is not null && !Comparators.Contains(r.Comparator, StringComparer.Ordinal))
        {
            errors.Add("comparator", "Expected one of >=, >, =, <=, <.");
        }

        if (r.PeriodStart is not (>= 2000 and <= 2100))
        {
            errors.Add("periodStart", "Required: a year from 2000 to 2100.");
        }

        if (r.PeriodEnd is not (>= 2000 and <= 2100))
        {
            errors.Add("periodEnd", "Required: a year from 2000 to 2100.");
        }
        else if (r.PeriodStart is { } start && r.PeriodEnd < start)
        {
            errors.Add("periodEnd", "The period cannot end before it starts.");
        }

        if (r.Binding is null)
        {
            errors.Add("binding", "Required: true for binding (约束性), false for expected (预期性).");
        }

        return errors;
    }

    private static List<string> SelfAndAncestors(string code)
    {
        var codes = new List<string> { code };
        if (code.Length == 9)
        {
            codes.Add(code[..6]);
            code = code[..6];
        }

        if (code.Length == 6)
        {
            codes.Add(code[..4] + "00");
            codes.Add(code[..2] + "0000");
        }

        return codes.Distinct(StringComparer.Ordinal).ToList();
    }

    private static IResult Stale(HttpContext http, PlanTarget current)
    {
        http.Response.Headers.ETag = ETags.Format(current.Version);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Stale version",
            detail: "The target changed since you read it; re-read it and apply your change again.",
            extensions: new Dictionary<string, object?> { ["currentVersion"] = current.Version, ["current"] = PlanTargetResponse.From(current) });
    }

    private static IResult NotFound(long id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No plan target {id.ToString(CultureInfo.InvariantCulture)}.");

    [GeneratedRegex("^[a-z][a-z0-9_]{0,79}$")]
    private static partial Regex IndicatorPattern();
}

/// <summary>A plan target as written by clients.</summary>
/// <param name="DistrictCode">District whose plan sets the target.</param>
/// <param name="Indicator">Machine name, e.g. household_renovations.</param>
/// <param name="Title">Wording in the plan.</param>
/// <param name="Kind">count or ratio.</param>
/// <param name="Value">Count, or ratio in [0, 1].</param>
/// <param name="Comparator">&gt;=, &gt;, =, &lt;=, &lt; (default &gt;=).</param>
/// <param name="Unit">Unit as printed, e.g. 户 or %.</param>
/// <param name="PeriodStart">First year.</param>
/// <param name="PeriodEnd">Last year.</param>
/// <param name="Binding">Binding (约束性) or expected (预期性).</param>
/// <param name="SourceDocument">Plan document.</param>
/// <param name="SourceTable">Table or section.</param>
/// <param name="Note">Free text.</param>
/// <param name="Version">Version read, for updates (or If-Match).</param>
public sealed record PlanTargetRequest(
    string? DistrictCode, string? Indicator, string? Title, PlanTargetKind? Kind, decimal? Value, string? Comparator, string? Unit,
    int? PeriodStart, int? PeriodEnd, bool? Binding, string? SourceDocument, string? SourceTable, string? Note, long? Version)
{
    internal void ApplyTo(PlanTarget t)
    {
        t.Kind = Kind!.Value;
        t.Value = Value!.Value;
        t.Comparator = Comparator ?? ">=";
        t.Unit = Unit;
        t.PeriodStart = PeriodStart!.Value;
        t.PeriodEnd = PeriodEnd!.Value;
        t.Binding = Binding!.Value;
        t.SourceTable = SourceTable;
        t.Note = Note;
    }
}

/// <summary>A plan target.</summary>
/// <param name="Id">Identifier.</param>
/// <param name="DistrictCode">District whose plan sets the target.</param>
/// <param name="Indicator">Machine name.</param>
/// <param name="Title">Wording in the plan.</param>
/// <param name="Kind">count or ratio.</param>
/// <param name="Value">Count, or ratio in [0, 1].</param>
/// <param name="Comparator">How the value is compared.</param>
/// <param name="Unit">Unit as printed.</param>
/// <param name="PeriodStart">First year.</param>
/// <param name="PeriodEnd">Last year.</param>
/// <param name="Binding">Binding (约束性) or expected (预期性).</param>
/// <param name="SourceDocument">Plan document.</param>
/// <param name="SourceTable">Table or section.</param>
/// <param name="Note">Free text.</param>
/// <param name="Version">Version for optimistic concurrency.</param>
public sealed record PlanTargetResponse(
    long Id, string DistrictCode, string Indicator, string Title, PlanTargetKind Kind, decimal Value, string Comparator, string? Unit,
    int PeriodStart, int PeriodEnd, bool Binding, string SourceDocument, string? SourceTable, string? Note, long Version)
{
    internal static PlanTargetResponse From(PlanTarget t) => new(
        t.Id, t.DistrictCode, t.Indicator, t.Title, t.Kind, t.Value, t.Comparator, t.Unit, t.PeriodStart, t.PeriodEnd, t.Binding,
        t.SourceDocument, t.SourceTable, t.Note, t.Version);
}

/// <summary>A list of plan targets.</summary>
/// <param name="Items">The targets.</param>
public sealed record PlanTargetList(IReadOnlyList<PlanTargetResponse> Items);
