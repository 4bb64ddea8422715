namespace Accessibility.Api.Features.Auth;

/// <summary>The roles of DESIGN.md. Every role but public and system-admin is scoped to districts.</summary>
public static class Roles
{
    /// <summary>督导检查 inspectors: log inspections and facility data in their districts.</summary>
    public const string Inspector = "inspector";

    /// <summary>Housing bureau (住建局) planners: household renovations in their districts.</summary>
    public const string Planner = "planner";

    /// <summary>District administrators (残联): everything in their districts, indicators and publishing.</summary>
    public const string DistrictAdmin = "district-admin";

    /// <summary>System administrators: everything everywhere, and user accounts.</summary>
    public const string SystemAdmin = "system-admin";

    /// <summary>
    /// A managing unit (管理责任单位): the body that repairs. Its account names the unit
    /// (<see cref="UserAccount.ManagingUnit"/>) and acts only on the defects assigned to that unit in its districts.
    /// </summary>
    public const string ManagingUnit = "managing-unit";

    /// <summary>
    /// A grid worker (网格员): the inspector's field abilities (patrols, inspections, facility status, photos), limited to
    /// the community grids named on the account (<see cref="UserAccount.GridCodes"/>).
    /// </summary>
    public const string GridWorker = "grid-worker";

    /// <summary>Every role a user account can have.</summary>
    public static readonly IReadOnlyList<string> All = [Inspector, Planner, DistrictAdmin, SystemAdmin, ManagingUnit, GridWorker];

    /// <summary>Whether accounts of this role must name at least one district.</summary>
    public static bool IsScoped(string role) => role != SystemAdmin;
}

/// <summary>Claim types the registry issues.</summary>
public static class RegistryClaims
{
    /// <summary>One claim per district code in the account's scope.</summary>
    public const string DistrictScope = "district_scope";

    /// <summary>The managing unit a managing-unit account repairs for (its name, as defects name it).</summary>
    public const string ManagingUnit = "managing_unit";

    /// <summary>One claim per community grid (网格) code a grid-worker account is responsible for.</summary>
    public const string Grid = "grid";
}
