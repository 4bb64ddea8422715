using System.Globalization;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.PlanTargets;

/// <summary>
/// <c>/api/v1/plan-targets</c>: the targets of each district's five-year plan. Plans are public documents, so reads
/// are public; district administrators maintain their districts' targets.
/// </summary>
public static class PlanTargetEndpoints
{
    /// <summary>Entity type in the audit log.</summary>
    public const string AuditEntityType = PlanTargetRules.AuditEntityType;

    /// <summary>Maps the plan target routes.</summary>
    public static IEndpointRouteBuilder MapPlanTargets(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/plan-targets").WithTags("Plan targets");
        group.MapGet("", List).WithName("ListPlanTargets").RequireAccess(ResourceKinds.PlanTarget, Operations.Read)
            .WithSummary("Plan targets of a district; with ancestors=true also those of the prefecture and province above it; with asOf (and knownAt), the targets in force at the end of that day, as they stood then.")
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
        group.MapDelete("{id:long}", Delete).WithName("DeletePlanTarget").RequireAccess(ResourceKinds.PlanTarget, Operations.Delete).WithSummary("Removes a target; the audit log and the history keep it. With validFrom (a date or an instant), retired as of then.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        return app;
    }

    private static async Task<IResult> List(
        HttpContext http, ListPlanTargets list, string? district, string? ancestors, string? asOf, string? knownAt, CancellationToken ct)
    {
        var outcome = await list.RunAsync(http, district, ancestors, ct, asOf, knownAt);
        return outcome.IsDone
            ? TypedResults.Ok(new PlanTargetList(outcome.Value!.Select(PlanTargetResponse.From).ToList()))
            : Answer(http, outcome, 0);
    }

    private static async Task<IResult> Get(long id, HttpContext http, GetPlanTarget get, CancellationToken ct) =>
        Answer(http, await get.RunAsync(http, id, ct), id, t => TypedResults.Ok(PlanTargetResponse.From(t)));

    private static async Task<IResult> Create(HttpContext http, CreatePlanTarget create, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PlanTargetRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return Answer(http, await create.RunAsync(http, request, ct), 0,
            t => TypedResults.Created($"/api/v1/plan-targets/{t.Id}", PlanTargetResponse.From(t)));
    }

    private static async Task<IResult> Update(long id, HttpContext http, UpdatePlanTarget update, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PlanTargetRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        FieldErrors? versionErrors = null;
        if (!ETags.TryReadIfMatch(http.Request, out var ifMatch))
        {
            versionErrors = new FieldErrors().Add("If-Match", "Expected the version as a quoted number, e.g. \"123\".");
        }

        return Answer(http, await update.RunAsync(http, id, request, ifMatch, versionErrors, ct), id, t => TypedResults.Ok(PlanTargetResponse.From(t)));
    }

    private static async Task<IResult> Delete(long id, HttpContext http, RetirePlanTarget retire, string? validFrom, CancellationToken ct) =>
        Answer(http, await retire.RunAsync(http, id, ct, validFrom), id, _ => TypedResults.NoContent(), withETag: false);

    /// <summary>The API's answer to an outcome: the value (with its version as ETag), or the problem.</summary>
    private static IResult Answer<T>(HttpContext http, Outcome<T> outcome, long id, Func<PlanTarget, IResult>? done = null, bool withETag = true)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Done when outcome.Value is PlanTarget target && done is not null:
                if (withETag)
                {
                    http.Response.Headers.ETag = ETags.Format(target.Version);
                }

                return done(target);
            case OutcomeKind.Invalid:
                // Query parameters are a 400, a body that can be read but is not acceptable a 422.
                return outcome.Errors!.ToResult(done is null ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity);
            case OutcomeKind.Refused:
                return outcome.Refusal!;
            case OutcomeKind.Stale when outcome.Value is PlanTarget current:
                return Stale(http, current);
            default:
                return NotFound(id);
        }
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
}
