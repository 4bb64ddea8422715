using System.Globalization;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Npgsql;

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
        app.MapGet("/api/v1/audit", List)
            .WithName("ListAuditEntries").RequireAccess(ResourceKinds.Audit, Operations.Read)
            .WithSummary("Audit entries (who, when, from where, before/after), oldest first; district administrators see their districts, system administrators everything.")
            .WithTags("Audit")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            ;
        return app;
    }

    private static async Task<IResult> List(HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var q = http.Request.Query;
        var entityType = Clean(q["entityType"]);
        var entityId = Clean(q["entityId"]);
        var errors = new FieldErrors();
        var limit = Integer(Clean(q["limit"]), 100, 1, 1000, "limit", errors);
        var offset = Integer(Clean(q["offset"]), 0, 0, int.MaxValue - 1000, "offset", errors);
        if (!errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest);
        }

        // A system administrator sees every entry; anyone else only entries about their districts.
        var scope = ReadScope.For(http, ResourceKinds.Audit, Operations.Read);
        IReadOnlyList<string>? prefixes = scope.LikePatterns?.Select(p => p[..^1]).ToArray();

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (json, matched) = await AuditSql.ListAsync(connection, entityType, entityId, prefixes, limit, offset, ct);
        if (prefixes is not null && entityType is not null && entityId is not null && matched == 0
            && await AuditSql.CountForEntityAsync(connection, entityType, entityId, ct) > 0)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Outside your districts",
                detail: "The history of " + entityType + " " + entityId + " is outside the districts you administer.");
        }

        return TypedResults.Text(json, "application/json", System.Text.Encoding.UTF8);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static int Integer(string? text, int fallback, int min, int max, string field, FieldErrors errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(field, FormattableString.Invariant($"Expected an integer from {min} to {max}."));
        return fallback;
    }
}
