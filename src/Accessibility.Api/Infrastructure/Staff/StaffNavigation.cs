using System.Security.Claims;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Infrastructure.Staff;

/// <summary>One area of the staff workspace: where it is, its name and description (catalogue keys), and who finds it.</summary>
/// <param name="Path">The area's first page.</param>
/// <param name="NameKey">Catalogue key of its name.</param>
/// <param name="DescriptionKey">Catalogue key of what one does there.</param>
/// <param name="Kind">Kind of record of its rule.</param>
/// <param name="Operation">Operation of its rule: the area is shown to whom the rule table admits.</param>
/// <param name="OnlyRole">When set, shown to this role only (areas of one role, such as a managing unit's defects).</param>
public sealed record StaffArea(string Path, string NameKey, string DescriptionKey, string Kind, string Operation, string? OnlyRole = null)
{
    /// <summary>Whether <paramref name="user"/> finds this area: the rule table admits them somewhere, and the role fits.</summary>
    public bool IsFor(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return (OnlyRole is null || user.IsInRole(OnlyRole))
            && AccessRules.Exists(Kind, Operation)
            && AccessRules.Allows(user, Operation, new RegistryResource(Kind, null));
    }
}

/// <summary>The areas of the workspace, in the order of the navigation. Each feature's list page lives at its path.</summary>
public static class StaffNavigation
{
    /// <summary>Every area.</summary>
    public static readonly IReadOnlyList<StaffArea> Areas =
    [
        new("/staff/cases", "staff.nav.cases", "staff.nav.cases.description", ResourceKinds.RenovationCase, "read-personal"),
        new("/staff/reports", "staff.nav.reports", "staff.nav.reports.description", ResourceKinds.Report, "triage"),
        new("/staff/defects", "staff.nav.defects", "staff.nav.defects.description", ResourceKinds.Defect, "update"),
        new("/staff/my-defects", "staff.nav.myDefects", "staff.nav.myDefects.description", ResourceKinds.Defect, "read", Roles.ManagingUnit),
        new("/staff/facilities", "staff.nav.facilities", "staff.nav.facilities.description", ResourceKinds.Facility, "create"),
        new("/staff/projects", "staff.nav.projects", "staff.nav.projects.description", ResourceKinds.ConstructionProject, "create"),
        new("/staff/grids", "staff.nav.grids", "staff.nav.grids.description", ResourceKinds.Grid, "create"),
        new("/staff/patrols", "staff.nav.patrols", "staff.nav.patrols.description", ResourceKinds.Patrol, "create"),
        new("/staff/plan-targets", "staff.nav.planTargets", "staff.nav.planTargets.description", ResourceKinds.PlanTarget, "update"),
        new("/staff/annual-reports", "staff.nav.annualReports", "staff.nav.annualReports.description", ResourceKinds.AnnualReport, "create"),
        new("/staff/surveys", "staff.nav.surveys", "staff.nav.surveys.description", ResourceKinds.Survey, "read-personal"),
        new("/staff/users", "staff.nav.users", "staff.nav.users.description", ResourceKinds.User, "administer"),
        new("/staff/api-keys", "staff.nav.apiKeys", "staff.nav.apiKeys.description", ResourceKinds.ApiKey, "administer"),
        new("/staff/audit", "staff.nav.audit", "staff.nav.audit.description", ResourceKinds.Audit, "read"),
    ];

    /// <summary>The areas <paramref name="user"/> finds.</summary>
    public static IReadOnlyList<StaffArea> For(ClaimsPrincipal user) => [.. Areas.Where(a => a.IsFor(user))];
}
