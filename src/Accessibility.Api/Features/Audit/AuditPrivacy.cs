using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Audit;

/// <summary>
/// Which audit entries hold household data, and whether the caller may see them. Household cases are for planners and
/// district administrators of the household's district only (DESIGN.md), not for system administrators, who otherwise
/// read the whole log: their entries show who and when, but not what.
/// </summary>
public static class AuditPrivacy
{
    /// <summary>Entity types whose entries describe a household.</summary>
    public static readonly IReadOnlySet<string> HouseholdEntities = new HashSet<string>(StringComparer.Ordinal) { "renovation_case" };

    /// <summary>Whether the caller may see what <paramref name="row"/> stored (the same rule as reading the household case).</summary>
    public static async Task<bool> MaySeeAsync(HttpContext http, AuditRow row)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(row);
        if (!HouseholdEntities.Contains(row.EntityType))
        {
            return true;
        }

        var district = Text(row.After, "districtCode") ?? Text(row.Before, "districtCode");
        return district is not null && await http.MayAsync(Operations.ReadPersonal, RegistryResource.In(ResourceKinds.RenovationCase, district));
    }

    private static string? Text(System.Text.Json.Nodes.JsonObject? state, string field) =>
        state?[field] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
