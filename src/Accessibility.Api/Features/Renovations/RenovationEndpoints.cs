using System.Security.Claims;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// <c>/api/v1/renovations</c>: household renovation cases (private to planners and district
/// administrators of the household's district; every detail read and export audited), their
/// workflow, the item catalogue, the priority list, planning against the plan targets, and the
/// public statistics with small counts suppressed.
/// </summary>
public static partial class RenovationEndpoints
{
    /// <summary>Entity type of cases in the audit log.</summary>
    public const string AuditEntityType = "renovation_case";

    /// <summary>Audit action of reading personal data.</summary>
    public const string ReadAction = "read";

    /// <summary>Audit action of an export.</summary>
    public const string ExportAction = "export";

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapRenovationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/renovations").WithTags("Renovations");
        group.MapGet("workflow", Workflow).WithName("GetRenovationWorkflow").AllowAnonymous()
            .WithSummary("Statuses of a renovation case and the allowed steps with the roles that may take them.");
        group.MapGet("items", Items).WithName("ListRenovationItems").AllowAnonymous()
            .WithSummary("Catalogue of renovation items with typical unit cost, disability categories served and the standard to meet; barriers; categories.");
        group.MapGet("items/suggestions", Suggestions).WithName("SuggestRenovationItems").AllowAnonymous()
            .WithSummary("Items suggested for recorded barriers (comma-separated) and a disability category.").ProducesValidationProblem();
        group.MapGet("statistics", Statistics).WithName("GetRenovationStatistics").RequireAccess(ResourceKinds.Coverage, Operations.Read)
            .WithSummary("Public: households per county by status and year the status was reached; counts below 5 suppressed, with secondary suppression so that no total minus the shown cells reveals a count below 5; counties with fewer than 5 households in all are not listed. With asOf (and knownAt), as the cases stood at the end of that day.")
            .ProducesValidationProblem();

        var households = group.MapGroup("")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        households.MapGet("cases", List).WithName("ListRenovationCases").RequireAccess(ResourceKinds.RenovationCase, Operations.ReadPersonal)
            .WithSummary("Cases of a district (planners and district administrators of it), ID and phone masked to the last 4.")
            .Produces<RenovationCaseList>().ProducesValidationProblem();
        households.MapGet("cases/{id:long}", Get).WithName("GetRenovationCase").RequireAccess(ResourceKinds.RenovationCase, Operations.ReadPersonal)
            .WithSummary("One case in full; the read is written to the audit log.").Produces<RenovationCaseDetail>().ProducesProblem(StatusCodes.Status404NotFound);
        households.MapPost("cases", Create).WithName("CreateRenovationCase").RequireAccess(ResourceKinds.RenovationCase, Operations.Create)
            .WithSummary("Registers a household (status identified); the ID number is checked (GB 11643) and stored encrypted.")
            .Accepts<RenovationCaseRequest>("application/json").Produces<RenovationCaseDetail>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict);
        households.MapPut("cases/{id:long}", Update).WithName("UpdateRenovationCase").RequireAccess(ResourceKinds.RenovationCase, Operations.Update)
            .WithSummary("Replaces a case's data (not its status); send the version read.")
            .Accepts<RenovationCaseRequest>("application/json").Produces<RenovationCaseDetail>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict);
        households.MapPost("cases/{id:long}/transitions", Transition).WithName("TransitionRenovationCase").RequireAccess(ResourceKinds.RenovationCase, Operations.Update)
            .WithSummary("Moves a case one step along its workflow, if the step is allowed from its status and to the caller's role.")
            .Accepts<TransitionRequest>("application/json").Produces<RenovationCaseDetail>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict);
        households.MapGet("cases.csv", Export).WithName("ExportRenovationCases").RequireAccess(ResourceKinds.RenovationCase, Operations.ReadPersonal)
            .WithSummary("The district's cases as CSV (ID and phone masked, no coordinates); the export is written to the audit log.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesValidationProblem();
        households.MapGet("map", Map).WithName("GetRenovationMap").RequireAccess(ResourceKinds.RenovationCase, Operations.ReadPersonal)
            .WithSummary("Private GeoJSON of the district's cases for the planner's map; the read is written to the audit log.")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson).ProducesValidationProblem();
        households.MapGet("priority", Priority).WithName("GetRenovationPriority").RequireAccess(ResourceKinds.RenovationCase, Operations.ReadPersonal)
            .WithSummary("Waiting households of a district by priority score, term by term.").Produces<PriorityList>().ProducesValidationProblem();
        households.MapGet("planning", Planning).WithName("GetRenovationPlanning").RequireAccess(ResourceKinds.RenovationPlan, Operations.Read)
            .WithSummary("Per district: plan targets, accepted, pipeline, forecast at the current pace with a warning for binding targets that will be missed; budget per year. With asOf (and knownAt), as the registry held them at the end of that day, forecast from that day.")
            .Produces<PlanningResponse>().ProducesValidationProblem();
        households.MapGet("settings/{district}", GetSettings).WithName("GetRenovationSettings").RequireAccess(ResourceKinds.RenovationPlan, Operations.Read)
            .WithSummary("A district's priority weights and eligible households.").Produces<RenovationSettingsResponse>();
        group.MapPut("settings/{district}", PutSettings).WithName("UpdateRenovationSettings").RequireAccess(ResourceKinds.RenovationPlan, Operations.Update)
            .WithSummary("Sets a district's priority weights and eligible households (district administrators).")
            .Accepts<RenovationSettingsRequest>("application/json").Produces<RenovationSettingsResponse>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPut("budgets/{district}/{year:int}", PutBudget).WithName("UpdateRenovationBudget").RequireAccess(ResourceKinds.RenovationPlan, Operations.Update)
            .WithSummary("Sets the budget allocated to renovations in a district for a year (district administrators).")
            .Accepts<BudgetRequest>("application/json").Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    /// <summary>
    /// Whether <paramref name="user"/> may see the households of <paramref name="districtCode"/>: a planner or
    /// district administrator whose districts include it. System administrators see households only through
    /// aggregates, as the public does.
    /// </summary>
    public static bool MaySeeHouseholds(ClaimsPrincipal user, string districtCode) =>
        AccessRules.Allows(user, Operations.ReadPersonal.Name, RegistryResource.In(ResourceKinds.RenovationCase, districtCode));
}
