using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Coverage;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Evaluations;

/// <summary>
/// <c>/api/v1/evaluations</c>: the mid-term and final evaluations (中期评估 / 总结评估) of a plan period for a district
/// (<see cref="EvaluateDistrict"/>, docs/evaluations.md). Public; the district's planners and administrators get the
/// household figures whole.
/// </summary>
public static partial class EvaluationEndpoints
{
    /// <summary>Longest plan period accepted, in years.</summary>
    public const int MaxPeriodYears = 10;

    private static readonly string[] Parameters = ["period", "stage", "date"];

    /// <summary>Maps the evaluation routes.</summary>
    public static IEndpointRouteBuilder MapEvaluationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/evaluations").WithTags("Evaluations");
        group.MapGet("{districtCode}", Get).WithName("GetPlanEvaluation").RequireAccess(ResourceKinds.Evaluation, Operations.Read)
            .WithSummary("Mid-term or final evaluation of a plan period for a district: period=YYYY-YYYY, stage=midterm|final, date=yyyy-MM-dd (default: the middle of the period for midterm, its last day for final; never after today). Every plan target of the district for the period in force at the date (binding first) with its baseline (as of the day before the period), value at the date, target, progress, status and the trajectory needed against the pace so far; targets the registry does not measure say why. The same figures for each direct subdivision. Household figures are whole for the district's planners and administrators; the public gets those of the coverage indicators (below 5 withheld) and only for today or the period's last day, and none per subdivision.")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Get(
        string districtCode, HttpContext http, ClaimsPrincipal user, RegistryDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var query = http.Request.Query;
        foreach (var key in query.Keys.Where(k => !Parameters.Contains(k, StringComparer.Ordinal)))
        {
            errors.Add(key, "Unknown parameter. Parameters: period, stage, date.");
        }

        var code = CoverageEndpoints.ParseDistrict("districtCode", districtCode, errors);
        var today = AsOf.Today(clock);
        var period = ParsePeriod(Single(query, "period", errors), today, errors);
        var stage = Single(query, "stage", errors);
        if (stage is null)
        {
            errors.Add("stage", "Required: midterm (中期评估) or final (总结评估).");
        }
        else if (stage is not (EvaluateDistrict.MidTerm or EvaluateDistrict.Final))
        {
            errors.Add("stage", $"'{stage}' is not a stage: midterm or final.");
        }

        DateOnly? date = null;
        if (Single(query, "date", errors) is { } text)
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                errors.Add("date", $"'{text}' is not a date (yyyy-MM-dd).");
            }
            else if (d > today)
            {
                errors.Add("date", "An evaluation date cannot be in the future (China Standard Time).");
            }
            else if (period is { } p && (d < new DateOnly(p.First, 1, 1) || d > new DateOnly(p.Last, 12, 31)))
            {
                errors.Add("date", FormattableString.Invariant($"The evaluation date must lie within the period {p.First}-01-01 to {p.Last}-12-31."));
            }
            else
            {
                date = d;
            }
        }

        if (code is null || period is null || stage is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, CoverageEndpoints.BadQueryTitle);
        }

        if (await http.AuthorizeAsync(Operations.Read, RegistryResource.In(ResourceKinds.Evaluation, code)) is { } denied)
        {
            return denied;
        }

        var (first, last) = period.Value;
        var request = new EvaluationRequest(code, first, last, stage, date ?? EvaluateDistrict.DefaultDate(stage, first, last, today), date is not null);
        var result = await EvaluateDistrict.RunAsync(db, user, request, today, clock.GetUtcNow(), clock, ct);
        return result is null ? CoverageEndpoints.NotFound(code) : TypedResults.Ok(result);
    }

    /// <summary>The plan period <c>YYYY-YYYY</c>: begun by today, at most <see cref="MaxPeriodYears"/> years, its baseline readable (from 2000).</summary>
    private static (int First, int Last)? ParsePeriod(string? text, DateOnly today, FieldErrors errors)
    {
        if (text is null)
        {
            errors.Add("period", "Required: the plan period as YYYY-YYYY, e.g. 2021-2025.");
            return null;
        }

        var match = PeriodPattern().Match(text);
        if (!match.Success)
        {
            errors.Add("period", $"'{text}' is not a period (YYYY-YYYY, e.g. 2021-2025).");
            return null;
        }

        var first = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var last = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (last < first || last - first + 1 > MaxPeriodYears)
        {
            errors.Add("period", FormattableString.Invariant($"A period runs forward over 1 to {MaxPeriodYears} years."));
            return null;
        }

        if (first - 1 < AsOf.Earliest.Year)
        {
            errors.Add("period", FormattableString.Invariant($"The registry's records reach back to {AsOf.Earliest:yyyy-MM-dd}: a period begins in {AsOf.Earliest.Year + 1} or later."));
            return null;
        }

        if (new DateOnly(first, 1, 1) > today)
        {
            errors.Add("period", "The period has not begun: there is nothing to evaluate yet.");
            return null;
        }

        return (first, last);
    }

    private static string? Single(IQueryCollection query, string name, FieldErrors errors)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return null;
        }

        if (values.Count != 1 || string.IsNullOrWhiteSpace(values[0]))
        {
            errors.Add(name, "Give it once, with a value.");
            return null;
        }

        return values[0]!.Trim();
    }

    [GeneratedRegex(@"^(\d{4})-(\d{4})$", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodPattern();
}
