using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Renovations;

/// <summary>Use case: the private GeoJSON of a district's cases for the planner's map; the read is written to the audit log.</summary>
public sealed class MapRenovationCases(RegistryDbContext db, AuditLog audit)
{
    /// <summary>The GeoJSON FeatureCollection of the cases of <paramref name="district"/> (optionally of one status).</summary>
    public async Task<RenovationOutcome<string>> MapAsync(HttpContext http, string? district, string? status, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (scope, prefix) = await RenovationCaseRules.DistrictScopeAsync(http, district, Operations.ReadPersonal, ResourceKinds.RenovationCase);
        if (scope is not null)
        {
            return RenovationOutcome<string>.Refused(scope);
        }

        if (RenovationCaseRules.StatusFilterProblem(status) is { } badStatus)
        {
            return RenovationOutcome<string>.Refused(badStatus);
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        var (json, count) = await RenovationSql.MapAsync(connection, prefix, status, ct);
        audit.Record(http, RenovationEndpoints.ReadAction, RenovationEndpoints.AuditEntityType, district!, null, new JsonObject
        {
            ["read"] = "map",
            ["districtCode"] = district,
            ["status"] = status,
            ["rows"] = count,
        });
        await db.SaveChangesAsync(ct);
        return RenovationOutcome.Success(json);
    }
}
