using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Audit;

/// <summary>
/// <c>/api/v1/audit</c>: reading the append-only log. There is no update or delete endpoint,
/// and the database rejects UPDATE and DELETE on <c>audit_entries</c> (trigger).
/// </summary>
public static class AuditEndpoints
{
    /// <summary>Maps the audit routes.</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("", List)
            .WithName("ListAuditEntries").RequireAccess(ResourceKinds.Audit, Operations.Read)
            .WithSummary("Audit entries (who, when, from where, before/after), oldest first, by entityType, entityId and actor; district administrators see their districts, system administrators everything (household entries withheld from whoever may not read the household).")
            .Produces<AuditSearchResult>()
            .ProducesValidationProblem();
        group.MapGet("{entityType}/{entityId}", Trail)
            .WithName("GetRecordAuditTrail").RequireAccess(ResourceKinds.Audit, Operations.Read)
            .WithSummary("The audit trail of one record, readable: who, when, action, and each field changed with its value before and after.")
            .Produces<RecordTrail>()
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> List(HttpContext http, SearchAuditLog search, CancellationToken ct)
    {
        var q = http.Request.Query;
        var outcome = await search.RunAsync(http, Clean(q["entityType"]), Clean(q["entityId"]), Clean(q["actor"]), Clean(q["limit"]), Clean(q["offset"]), false, ct);
        return outcome.Kind switch
        {
            OutcomeKind.Done => TypedResults.Ok(outcome.Value),
            OutcomeKind.Invalid => outcome.Errors!.ToResult(StatusCodes.Status400BadRequest),
            _ => outcome.Refusal!,
        };
    }

    private static async Task<IResult> Trail(string entityType, string entityId, HttpContext http, ReadRecordTrail trail, CancellationToken ct)
    {
        var outcome = await trail.RunAsync(http, entityType, entityId, ct);
        return outcome.Kind switch
        {
            OutcomeKind.Done => TypedResults.Ok(outcome.Value),
            OutcomeKind.Invalid => outcome.Errors!.ToResult(StatusCodes.Status400BadRequest),
            _ => outcome.Refusal!,
        };
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
