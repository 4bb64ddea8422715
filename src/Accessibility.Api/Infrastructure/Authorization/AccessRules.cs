using System.Security.Claims;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Sharing;

namespace Accessibility.Api.Infrastructure.Authorization;

/// <summary>How a decision came out.</summary>
public enum AccessDecision
{
    /// <summary>Admitted.</summary>
    Allowed,

    /// <summary>Refused because nobody is signed in (401).</summary>
    SignInRequired,

    /// <summary>Refused: the caller's role may not do this to this kind of record (403).</summary>
    RoleRefused,

    /// <summary>Refused: the record lies outside the caller's districts, or an API key's districts or layers (403).</summary>
    OutsideScope,
}

/// <summary>One row of the rule table.</summary>
/// <param name="Public">Anyone may do it, signed in or not (public reads, filing a report).</param>
/// <param name="Roles">Roles admitted, inside their districts (system administrators: everywhere).</param>
/// <param name="Layer">The API-key layer that reads it (<see cref="SharedLayers"/>), or null when keys may not.</param>
public sealed record AccessRow(bool Public, IReadOnlyList<string> Roles, string? Layer);

/// <summary>
/// The one rule table of the registry: kind × operation → who. Every access decision, per route
/// (<see cref="RegistryAuthorizationHandler"/> through <c>IAuthorizationService</c>), per record and per query
/// (<see cref="ReadScope"/>), is made by <see cref="Decide"/> on this table; docs/authorization.md prints it.
/// </summary>
/// <remarks>
/// Districts nest by GB/T 2260 prefix (<see cref="DistrictScope.Prefix"/>): a role of 1408 acts in 140881. System
/// administrators act everywhere on what their role admits; household cases are not among that (DESIGN.md: planners
/// and district administrators of the household's district only). API keys only read, only the layers and districts
/// they were given, and only what is public anyway.
/// </remarks>
public static class AccessRules
{
    private static readonly string[] Staff = [Roles.Inspector, Roles.Planner, Roles.DistrictAdmin, Roles.SystemAdmin];
    private static readonly string[] Administrators = [Roles.DistrictAdmin, Roles.SystemAdmin];
    private static readonly string[] Households = [Roles.Planner, Roles.DistrictAdmin];
    private static readonly string[] Importers = [Roles.Planner, Roles.DistrictAdmin, Roles.SystemAdmin];

    // The housing bureau registers and checks construction projects; district administrators may too.
    private static readonly string[] Builders = [Roles.Planner, Roles.DistrictAdmin, Roles.SystemAdmin];

    // Field work: inspectors, administrators, and grid workers inside their grids.
    private static readonly string[] FieldWork = [Roles.Inspector, Roles.DistrictAdmin, Roles.SystemAdmin, Roles.GridWorker];

    // Every account, the managing units' and grid workers' included: one's own account and the workspace's start page.
    private static readonly string[] Accounts = [.. Staff, Roles.ManagingUnit, Roles.GridWorker];

    /// <summary>
    /// Roles whose accounts act for one managing unit (<see cref="RegistryClaims.ManagingUnit"/>): on a record, the rows that
    /// admit them admit only records assigned to that unit (<see cref="RegistryResource.ManagingUnit"/>), in their districts.
    /// </summary>
    public static readonly IReadOnlyList<string> UnitBoundRoles = [Roles.ManagingUnit];

    /// <summary>
    /// Roles whose accounts act for community grids (<see cref="RegistryClaims.Grid"/>): on a record, the rows that admit them
    /// admit only records lying in one of their grids (<see cref="RegistryResource.GridCode"/>), in their districts.
    /// </summary>
    public static readonly IReadOnlyList<string> GridBoundRoles = [Roles.GridWorker];

    private static AccessRow Public(string? layer) => new(true, Staff, layer);

    private static AccessRow Only(string[] roles) => new(false, roles, null);

    /// <summary>The table: (kind, operation) → row. A pair that is not here is refused to everyone.</summary>
    public static readonly IReadOnlyDictionary<(string Kind, string Operation), AccessRow> Table = new Dictionary<(string, string), AccessRow>
    {
        [(ResourceKinds.Facility, "read")] = Public(SharedLayers.Facilities),
        [(ResourceKinds.Facility, "create")] = Only(Staff),
        [(ResourceKinds.Facility, "update")] = Only([.. Staff, Roles.GridWorker]),
        [(ResourceKinds.Facility, "delete")] = Only(Staff),
        [(ResourceKinds.Road, "read")] = Public(SharedLayers.Roads),
        [(ResourceKinds.Road, "create")] = Only(Staff),
        [(ResourceKinds.Road, "update")] = Only(Staff),
        [(ResourceKinds.Road, "delete")] = Only(Staff),
        [(ResourceKinds.Inspection, "read")] = Public(SharedLayers.Inspections),
        [(ResourceKinds.Inspection, "read-personal")] = new(false, Staff, SharedLayers.Inspections),
        [(ResourceKinds.Inspection, "create")] = Only([.. Staff, Roles.GridWorker]),
        [(ResourceKinds.Inspection, "export")] = new(false, Administrators, SharedLayers.Inspections),
        [(ResourceKinds.Defect, "read")] = Public(SharedLayers.Defects),
        [(ResourceKinds.Defect, "read-personal")] = new(false, Staff, SharedLayers.Defects),
        [(ResourceKinds.Defect, "update")] = Only(Staff),
        [(ResourceKinds.Defect, "repair")] = Only([.. Staff, Roles.ManagingUnit]),
        [(ResourceKinds.Defect, "export")] = new(false, Administrators, SharedLayers.Defects),
        [(ResourceKinds.Report, "read")] = Public(SharedLayers.PublicReports),
        [(ResourceKinds.Report, "create")] = Public(null),
        [(ResourceKinds.Report, "read-personal")] = Only(Staff),
        [(ResourceKinds.Report, "triage")] = Only(Staff),
        [(ResourceKinds.Photo, "read")] = Public(SharedLayers.Reference),
        [(ResourceKinds.Photo, "create")] = Only([.. Staff, Roles.ManagingUnit, Roles.GridWorker]),
        [(ResourceKinds.RenovationCase, "read-personal")] = Only(Households),
        [(ResourceKinds.RenovationCase, "create")] = Only(Households),
        [(ResourceKinds.RenovationCase, "update")] = Only(Households),
        [(ResourceKinds.RenovationPlan, "read")] = Only(Households),
        [(ResourceKinds.RenovationPlan, "update")] = Only([Roles.DistrictAdmin]),
        [(ResourceKinds.Coverage, "read")] = Public(SharedLayers.Coverage),
        [(ResourceKinds.AnnualReport, "read")] = Public(SharedLayers.Coverage),
        [(ResourceKinds.AnnualReport, "create")] = Only([Roles.DistrictAdmin]),
        [(ResourceKinds.PlanTarget, "read")] = Public(SharedLayers.PlanTargets),
        [(ResourceKinds.Evaluation, "read")] = Public(SharedLayers.Coverage),
        [(ResourceKinds.PlanTarget, "create")] = Only(Administrators),
        [(ResourceKinds.PlanTarget, "update")] = Only(Administrators),
        [(ResourceKinds.PlanTarget, "delete")] = Only(Administrators),
        [(ResourceKinds.District, "read")] = Public(SharedLayers.Reference),
        [(ResourceKinds.District, "update")] = Only(Administrators),
        [(ResourceKinds.District, "administer")] = Only(Administrators),
        [(ResourceKinds.User, "administer")] = Only(Administrators),
        [(ResourceKinds.ApiKey, "administer")] = Only(Administrators),
        [(ResourceKinds.Audit, "read")] = Only(Administrators),
        [(ResourceKinds.Import, "create")] = Only(Importers),
        [(ResourceKinds.Import, "read")] = Only(Importers),
        [(ResourceKinds.Account, "read")] = Only(Accounts),
        [(ResourceKinds.Account, "update")] = Only(Accounts),
        [(ResourceKinds.Survey, "read")] = Public(null),
        [(ResourceKinds.Survey, "read-personal")] = Only(Staff),
        [(ResourceKinds.Survey, "create")] = Only([Roles.DistrictAdmin]),
        [(ResourceKinds.Survey, "update")] = Only([Roles.DistrictAdmin]),
        [(ResourceKinds.SurveyAnswer, "create")] = Public(null),
        [(ResourceKinds.ConstructionProject, "read")] = Public(null),
        [(ResourceKinds.ConstructionProject, "read-personal")] = Only(Staff),
        [(ResourceKinds.ConstructionProject, "create")] = Only(Builders),
        [(ResourceKinds.ConstructionProject, "update")] = Only(Builders),
        [(ResourceKinds.ConstructionProject, "administer")] = Only(Administrators),
        [(ResourceKinds.Grid, "read")] = Public(SharedLayers.Reference),
        [(ResourceKinds.Grid, "create")] = Only(Administrators),
        [(ResourceKinds.Grid, "update")] = Only(Administrators),
        [(ResourceKinds.Grid, "delete")] = Only(Administrators),
        [(ResourceKinds.Grid, "administer")] = Only(Administrators),
        [(ResourceKinds.Patrol, "read")] = Public(SharedLayers.Coverage),
        [(ResourceKinds.Patrol, "read-personal")] = Only([.. Staff, Roles.GridWorker]),
        [(ResourceKinds.Patrol, "create")] = Only(FieldWork),
    };

    /// <summary>Whether the table has a row for the pair (a pair without one is refused to everyone).</summary>
    public static bool Exists(string kind, string operation) => Table.ContainsKey((kind, operation));

    /// <summary>The decision on <paramref name="operation"/> of <paramref name="user"/> on <paramref name="resource"/>.</summary>
    public static AccessDecision Decide(ClaimsPrincipal user, string operation, RegistryResource resource)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(resource);
        if (!Table.TryGetValue((resource.Kind, operation), out var row))
        {
            return user.Identity?.IsAuthenticated == true ? AccessDecision.RoleRefused : AccessDecision.SignInRequired;
        }

        if (ApiKeyScope.Of(user) is { } key)
        {
            // A key reads what its layer holds, staff names included (read-personal of inspections and defects); a row
            // without a layer (contact data, households) is never a key's.
            if (operation is not ("read" or "export" or "read-personal") || row.Layer is null || !key.Reads(row.Layer))
            {
                return AccessDecision.RoleRefused;
            }

            return resource.DistrictCode is null || key.Covers(resource.DistrictCode) ? AccessDecision.Allowed : AccessDecision.OutsideScope;
        }

        if (row.Public)
        {
            return AccessDecision.Allowed;
        }

        if (user.Identity?.IsAuthenticated != true)
        {
            return AccessDecision.SignInRequired;
        }

        if (!row.Roles.Any(user.IsInRole))
        {
            return AccessDecision.RoleRefused;
        }

        if (resource.DistrictCode is null || user.IsInRole(Roles.SystemAdmin))
        {
            return AccessDecision.Allowed;
        }

        if (!DistrictScope.Covers(Districts(user), resource.DistrictCode))
        {
            return AccessDecision.OutsideScope;
        }

        // A managing unit's account: only the records assigned to its own unit (a row admits it on nothing else).
        if (UnitBoundRoles.Any(user.IsInRole)
            && (resource.ManagingUnit is null || !string.Equals(resource.ManagingUnit, UserPrincipal.ManagingUnit(user), StringComparison.Ordinal)))
        {
            return AccessDecision.RoleRefused;
        }

        // A grid worker's account: only the records lying in one of its own grids.
        if (GridBoundRoles.Any(user.IsInRole)
            && (resource.GridCode is null || !UserPrincipal.Grids(user).Contains(resource.GridCode, StringComparer.Ordinal)))
        {
            return AccessDecision.OutsideScope;
        }

        return AccessDecision.Allowed;
    }

    /// <summary>Whether <paramref name="user"/> may: <see cref="Decide"/> is <see cref="AccessDecision.Allowed"/>.</summary>
    public static bool Allows(ClaimsPrincipal user, string operation, RegistryResource resource) =>
        Decide(user, operation, resource) == AccessDecision.Allowed;

    /// <summary>The district codes of a signed-in account's scope.</summary>
    public static IEnumerable<string> Districts(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindAll(RegistryClaims.DistrictScope).Select(c => c.Value);
    }
}
