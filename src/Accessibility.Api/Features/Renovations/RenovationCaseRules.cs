using System.Security.Claims;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Renovations;

/// <summary>Rules shared by the renovation use cases: district scope, duplicates, stale versions, the workflow's event log.</summary>
internal static class RenovationCaseRules
{
    /// <summary>Purpose of the ID number's encryption.</summary>
    internal const string IdField = "id_number";

    /// <summary>Purpose of the phone's encryption.</summary>
    internal const string PhoneField = "phone";

    /// <summary>Eligibility of a household for the subsidy.</summary>
    internal static readonly string[] Eligibilities = ["dibao", "extreme_poverty", "low_income", "other"];

    /// <summary>
    /// Checks the <c>district</c> of a household read or plan change: required, well-formed, and admitted by the
    /// rule table for <paramref name="operation"/> on <paramref name="kind"/> there; the district's code prefix.
    /// </summary>
    internal static async Task<(ProblemDetails? Refusal, string Prefix)> DistrictScopeAsync(
        HttpContext http, string? district, OperationAuthorizationRequirement operation, string kind)
    {
        if (!DistrictCodes.TryNormalize(district, out var code) || code.Length != 6)
        {
            return (Problem(JsonBody.Invalid(StatusCodes.Status400BadRequest, "district", "Required: a county, prefecture or province code (GB/T 2260).")), "");
        }

        return await http.AuthorizeAsync(operation, RegistryResource.In(kind, code)) is { } refused ? (Problem(refused), "") : (null, DistrictScope.Prefix(code));
    }

    /// <summary>The problem details of a problem answer made by the shared helpers.</summary>
    internal static ProblemDetails Problem(IResult problem) => RenovationOutcome<bool>.Refused(problem).Problem!;

    /// <summary>400 for a status filter that is not a status of the workflow.</summary>
    internal static ProblemDetails? StatusFilterProblem(string? status) =>
        status is not null && !RenovationWorkflow.IsStatus(status)
            ? Problem(JsonBody.Invalid(StatusCodes.Status400BadRequest, "status", "Unknown status; see /api/v1/renovations/workflow."))
            : null;

    /// <summary>404 for a case that does not exist or lies outside the caller's districts: no household's existence leaks.</summary>
    internal static ProblemDetails NotFound(long id) => Problem(WriteResults.NotFound(id));

    /// <summary>Today in China (UTC+8), the day the rules of dates use.</summary>
    internal static DateOnly Today(TimeProvider clock) =>
        DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    /// <summary>The first of <paramref name="roles"/> the user holds.</summary>
    internal static string RoleOf(ClaimsPrincipal user, IEnumerable<string> roles) => roles.FirstOrDefault(user.IsInRole) ?? "";

    /// <summary>Adds a step to the case's workflow history.</summary>
    internal static void AddEvent(RegistryDbContext db, HttpContext http, long caseId, string? from, string to, string role, string? note, DateTimeOffset at) =>
        db.RenovationCaseEvents.Add(new RenovationCaseEvent
        {
            CaseId = caseId,
            FromStatus = from,
            ToStatus = to,
            At = at,
            UserId = UserPrincipal.UserId(http.User),
            Actor = http.User.Identity?.Name ?? "anonymous",
            Role = role,
            Note = note,
        });

    /// <summary>An open case (not rejected or withdrawn) of the same ID number, other than <paramref name="except"/>.</summary>
    internal static async Task<RenovationCase?> DuplicateAsync(RegistryDbContext db, byte[] hash, long? except, CancellationToken ct) =>
        await db.RenovationCases.AsNoTracking()
            .Where(c => c.IdNumberHash == hash && c.Id != (except ?? 0) && c.Status != RenovationWorkflow.Rejected && c.Status != RenovationWorkflow.Withdrawn)
            .OrderBy(c => c.Id).FirstOrDefaultAsync(ct);

    /// <summary>409 naming the other case only to a user who may see it.</summary>
    internal static ProblemDetails Duplicate(ClaimsPrincipal user, RenovationCase other) =>
        new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            ["idNumber"] = [RenovationEndpoints.MaySeeHouseholds(user, other.DistrictCode)
                ? "An open case for this ID number exists already: case " + WriteResults.Id(other.Id) + "."
                : "An open case for this ID number exists already in another district."],
        })
        { Status = StatusCodes.Status409Conflict, Title = "Duplicate household" };

    /// <summary>409: the case changed since it was read.</summary>
    internal static ProblemDetails Stale(uint? current) => new()
    {
        Status = StatusCodes.Status409Conflict,
        Title = "Stale version",
        Detail = "The case changed since you read it; re-read it and apply your change again.",
        Extensions = { ["currentVersion"] = current },
    };

    /// <summary>The weights a district stored, if any.</summary>
    internal static async Task<JsonObject?> StoredWeightsAsync(RegistryDbContext db, string code, CancellationToken ct) =>
        (await db.RenovationDistrictSettings.AsNoTracking().SingleOrDefaultAsync(s => s.DistrictCode == code, ct))?.Weights;
}
