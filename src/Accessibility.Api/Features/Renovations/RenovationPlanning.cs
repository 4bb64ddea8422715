using Accessibility.Api.Features.PlanTargets;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// Progress of a renovation target and the forecast at the current pace. Pure arithmetic, so
/// that it can be checked by hand:
/// <list type="bullet">
/// <item>the period runs from 1 January of <c>periodStart</c> to 31 December of <c>periodEnd</c> (<c>periodDays</c>);</item>
/// <item><c>elapsedDays</c> = days from the period's start to <c>asOf</c> inclusive, between 0 and <c>periodDays</c>;</item>
/// <item><c>accepted</c> = households accepted (验收) inside the period up to <c>asOf</c>;</item>
/// <item><c>forecast</c> = ⌊accepted × periodDays ÷ elapsedDays⌋ (the same pace to the end); after the end, accepted;
/// before the start, accepted + pipeline;</item>
/// <item>a ratio target divides by the eligible households (the district's setting, else the households registered);</item>
/// <item><c>willMiss</c> when the forecast does not meet the target with its comparator; a binding one gets a warning.</item>
/// </list>
/// </summary>
public static class RenovationPlanning
{
    /// <summary>Computes the progress of <paramref name="target"/>.</summary>
    public static TargetProgress Progress(PlanTarget target, int accepted, int pipeline, int? eligibleHouseholds, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(target);
        var start = new DateOnly(target.PeriodStart, 1, 1);
        var end = new DateOnly(target.PeriodEnd, 12, 31);
        var periodDays = end.DayNumber - start.DayNumber + 1;
        var elapsed = Math.Clamp(asOf.DayNumber - start.DayNumber + 1, 0, periodDays);
        int forecast;
        if (elapsed == 0)
        {
            forecast = accepted + pipeline;
        }
        else if (elapsed >= periodDays)
        {
            forecast = accepted;
        }
        else
        {
            forecast = (int)Math.Floor((decimal)accepted * periodDays / elapsed);
        }

        decimal? currentRatio = null;
        decimal? forecastRatio = null;
        decimal measured = forecast;
        if (target.Kind == PlanTargetKind.Ratio)
        {
            if (eligibleHouseholds is > 0 and var n)
            {
                currentRatio = Math.Round((decimal)accepted / n, 4);
                forecastRatio = Math.Round(Math.Min(forecast, n) / (decimal)n, 4);
                measured = forecastRatio.Value;
            }
            else
            {
                measured = 0;
            }
        }

        var meets = Meets(measured, target.Comparator, target.Value);
        var willMiss = !meets;
        string? warning = null;
        if (willMiss && target.Binding)
        {
            warning = target.Kind == PlanTargetKind.Ratio
                ? FormattableString.Invariant($"Binding target will be missed: at the current pace {forecastRatio ?? 0:P1} of eligible households by {end:yyyy-MM-dd}, target {target.Comparator} {target.Value:P0}.")
                : FormattableString.Invariant($"Binding target will be missed: at the current pace {forecast} households by {end:yyyy-MM-dd}, target {target.Comparator} {target.Value:0}.");
        }

        return new TargetProgress(
            target.Id, target.DistrictCode, target.Indicator, target.Title, target.Kind, target.Value, target.Comparator, target.Binding,
            target.PeriodStart, target.PeriodEnd, accepted, pipeline, elapsed, periodDays, forecast, eligibleHouseholds, currentRatio, forecastRatio,
            willMiss, warning);
    }

    /// <summary>Whether <paramref name="value"/> satisfies <c>value comparator target</c>.</summary>
    public static bool Meets(decimal value, string comparator, decimal target) => comparator switch
    {
        ">" => value > target,
        "=" => value == target,
        "<=" => value <= target,
        "<" => value < target,
        _ => value >= target,
    };
}

/// <summary>Progress of one plan target.</summary>
/// <param name="TargetId">Plan target id.</param>
/// <param name="DistrictCode">District of the plan.</param>
/// <param name="Indicator">Indicator.</param>
/// <param name="Title">Wording in the plan.</param>
/// <param name="Kind">count or ratio.</param>
/// <param name="Value">Target value.</param>
/// <param name="Comparator">Comparator.</param>
/// <param name="Binding">Binding (约束性).</param>
/// <param name="PeriodStart">First year.</param>
/// <param name="PeriodEnd">Last year.</param>
/// <param name="Accepted">Households accepted inside the period so far.</param>
/// <param name="Pipeline">Households approved and not yet accepted.</param>
/// <param name="ElapsedDays">Days of the period elapsed at asOf.</param>
/// <param name="PeriodDays">Days in the period.</param>
/// <param name="Forecast">Households accepted by the period's end at the current pace.</param>
/// <param name="EligibleHouseholds">Denominator of a ratio target.</param>
/// <param name="CurrentRatio">Accepted ÷ eligible.</param>
/// <param name="ForecastRatio">Forecast ÷ eligible.</param>
/// <param name="WillMiss">The forecast does not meet the target.</param>
/// <param name="Warning">Plain warning when a binding target will be missed.</param>
public sealed record TargetProgress(
    long TargetId, string DistrictCode, string Indicator, string Title, PlanTargetKind Kind, decimal Value, string Comparator, bool Binding,
    int PeriodStart, int PeriodEnd, int Accepted, int Pipeline, int ElapsedDays, int PeriodDays, int Forecast, int? EligibleHouseholds,
    decimal? CurrentRatio, decimal? ForecastRatio, bool WillMiss, string? Warning);
