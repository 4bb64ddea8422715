using Microsoft.AspNetCore.Authorization.Infrastructure;

namespace Accessibility.Api.Infrastructure.Authorization;

/// <summary>The kinds of record access is decided on: each row of <see cref="AccessRules"/> names one.</summary>
public static class ResourceKinds
{
    /// <summary>Facilities (无障碍设施).</summary>
    public const string Facility = "facility";

    /// <summary>Road segments.</summary>
    public const string Road = "road";

    /// <summary>Inspections (督导检查).</summary>
    public const string Inspection = "inspection";

    /// <summary>Defects.</summary>
    public const string Defect = "defect";

    /// <summary>Public reports (群众报告).</summary>
    public const string Report = "report";

    /// <summary>Photos of inspections, fixes and reports.</summary>
    public const string Photo = "photo";

    /// <summary>Household renovation cases: sensitive personal information.</summary>
    public const string RenovationCase = "renovation-case";

    /// <summary>A district's renovation settings (priority weights, eligible households) and budgets.</summary>
    public const string RenovationPlan = "renovation-plan";

    /// <summary>Public renovation statistics and coverage figures (aggregates, small counts suppressed).</summary>
    public const string Coverage = "coverage";

    /// <summary>Plan targets (规划指标).</summary>
    public const string PlanTarget = "plan-target";

    /// <summary>Mid-term and final evaluations of a plan period (中期评估 / 总结评估): aggregates, household figures as for coverage.</summary>
    public const string Evaluation = "evaluation";

    /// <summary>Districts and their boundaries.</summary>
    public const string District = "district";

    /// <summary>User accounts.</summary>
    public const string User = "user";

    /// <summary>Departments' API keys.</summary>
    public const string ApiKey = "api-key";

    /// <summary>The audit log.</summary>
    public const string Audit = "audit";

    /// <summary>Facility imports and their jobs.</summary>
    public const string Import = "import";

    /// <summary>The caller's own account: who am I, personal tokens.</summary>
    public const string Account = "account";

    /// <summary>Annual reports of ended years and their published (frozen) editions.</summary>
    public const string AnnualReport = "annual-report";
    /// <summary>Social satisfaction surveys (社会满意度调查): opening, closing, results; read-personal is their free text.</summary>
    public const string Survey = "survey";

    /// <summary>The public's answers to a survey.</summary>
    public const string SurveyAnswer = "survey-answer";

    /// <summary>
    /// Construction projects (新建、改建项目) followed from plan to acceptance, with their barrier-free checks; read-personal is
    /// their documents and the names of who checked, administer is recording a waiver.
    /// </summary>
    public const string ConstructionProject = "construction-project";

    /// <summary>Community grids (社区网格): boundaries below the township, their patrol interval and grid workers.</summary>
    public const string Grid = "grid";

    /// <summary>Patrols (巡查): a grid's light inspections of its facilities; read-personal is the list with who patrolled.</summary>
    public const string Patrol = "patrol";
}

/// <summary>
/// The operations of <see cref="AccessRules"/>, as ASP.NET Core's <see cref="OperationAuthorizationRequirement"/>s,
/// so that an endpoint asks <c>IAuthorizationService.AuthorizeAsync(user, resource, Operations.Update)</c>.
/// </summary>
public static class Operations
{
    /// <summary>Read a record or list.</summary>
    public static readonly OperationAuthorizationRequirement Read = new() { Name = "read" };

    /// <summary>Create a record.</summary>
    public static readonly OperationAuthorizationRequirement Create = new() { Name = "create" };

    /// <summary>Change a record (or move it along its workflow).</summary>
    public static readonly OperationAuthorizationRequirement Update = new() { Name = "update" };

    /// <summary>Delete a record.</summary>
    public static readonly OperationAuthorizationRequirement Delete = new() { Name = "delete" };

    /// <summary>Manage accounts, keys, boundaries: administration of a district.</summary>
    public static readonly OperationAuthorizationRequirement Administer = new() { Name = "administer" };

    /// <summary>Read what the public may not see: contact data of reporters, households, staff records in bulk.</summary>
    public static readonly OperationAuthorizationRequirement ReadPersonal = new() { Name = "read-personal" };

    /// <summary>Triage public reports: accept, reject, merge.</summary>
    public static readonly OperationAuthorizationRequirement Triage = new() { Name = "triage" };

    /// <summary>Export whole record sets (inspections, defects) with staff names.</summary>
    public static readonly OperationAuthorizationRequirement Export = new() { Name = "export" };

    /// <summary>Report a defect repaired, with evidence: what a managing unit does to the defects assigned to it.</summary>
    public static readonly OperationAuthorizationRequirement Repair = new() { Name = "repair" };

    /// <summary>Every operation, by name.</summary>
    public static readonly IReadOnlyDictionary<string, OperationAuthorizationRequirement> ByName =
        new[] { Read, Create, Update, Delete, Administer, ReadPersonal, Triage, Export, Repair }.ToDictionary(o => o.Name, StringComparer.Ordinal);
}

/// <summary>
/// What access is decided on: a kind of record and the county-level (or wider) district it lies in. A null district asks
/// whether the caller may do the operation on this kind anywhere (the route-level check before a record is loaded).
/// </summary>
/// <param name="Kind">One of <see cref="ResourceKinds"/>.</param>
/// <param name="DistrictCode">GB/T 2260 code of the record's district, or null.</param>
public sealed record RegistryResource(string Kind, string? DistrictCode)
{
    /// <summary>
    /// The managing unit (管理责任单位) a record is assigned to (defects), or null: accounts of a managing unit act only on
    /// records assigned to their unit (<see cref="AccessRules.UnitBoundRoles"/>).
    /// </summary>
    public string? ManagingUnit { get; init; }

    /// <summary>
    /// The community grid (网格) a record lies in (facilities, roads, their inspections, patrols and defects), or null:
    /// grid workers act only on records in their own grids (<see cref="AccessRules.GridBoundRoles"/>).
    /// </summary>
    public string? GridCode { get; init; }

    /// <summary>
    /// The district of a record that lies in no one district (a system administrator's account): inside no role's
    /// districts, so only system administrators act on it.
    /// </summary>
    public const string Everywhere = "";

    /// <summary>A record of <paramref name="kind"/> in <paramref name="districtCode"/>.</summary>
    public static RegistryResource In(string kind, string districtCode) => new(kind, districtCode);
}

/// <summary>
/// Endpoint metadata: the rule a route is admitted by (kind and operation of <see cref="AccessRules"/>). Every route
/// declares one, or <c>AllowAnonymous</c>; the authorization matrix test fails for a route with neither.
/// </summary>
/// <param name="Kind">One of <see cref="ResourceKinds"/>.</param>
/// <param name="Operation">The operation's name (<see cref="Operations"/>).</param>
public sealed record AccessRule(string Kind, string Operation);
