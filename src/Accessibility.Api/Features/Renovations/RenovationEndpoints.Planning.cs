using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Renovations;

/// <summary>The routes of planning: priority list, planning against the targets, district settings, budgets.</summary>
public static partial class RenovationEndpoints
{
    private static async Task<IResult> Priority(HttpContext http, string? district, DateOnly? asOf, RenovationPriority priority, CancellationToken ct) =>
        (await priority.ListAsync(http, district, asOf, ct)).ToResult(TypedResults.Ok);

    private static async Task<IResult> Planning(
        HttpContext http, string? district, int? year, string? asOf, string? knownAt, PlanRenovations plan, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var at = AsOf.Parse(asOf, knownAt, clock, errors);
        return errors.IsEmpty
            ? (await plan.PlanAsync(http, district, year, at, ct)).ToResult(TypedResults.Ok)
            : TypedResults.ValidationProblem(errors.ToDictionary());
    }

    private static async Task<IResult> GetSettings(string district, HttpContext http, DistrictRenovationSettings settings, CancellationToken ct) =>
        (await settings.GetAsync(http, district, ct)).ToResult(TypedResults.Ok);

    private static async Task<IResult> PutSettings(string district, HttpContext http, DistrictRenovationSettings settings, CancellationToken ct)
    {
        // The district is checked before the body is read, as a refusal says more than a complaint about the body.
        if (await DistrictRenovationSettings.MaySetAsync(http, district) is { Succeeded: false } refused)
        {
            return refused.ToResult(_ => TypedResults.NoContent());
        }

        var body = await JsonBody.ReadAsync<RenovationSettingsRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return (await settings.SetAsync(http, district, request, ct)).ToResult(TypedResults.Ok);
    }

    private static async Task<IResult> PutBudget(string district, int year, HttpContext http, RenovationBudgets budgets, CancellationToken ct)
    {
        if (await DistrictRenovationSettings.MaySetAsync(http, district) is { Succeeded: false } refused)
        {
            return refused.ToResult(_ => TypedResults.NoContent());
        }

        var body = await JsonBody.ReadAsync<BudgetRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return (await budgets.SetAsync(http, district, year, request, ct)).ToResult(_ => TypedResults.NoContent());
    }
}
