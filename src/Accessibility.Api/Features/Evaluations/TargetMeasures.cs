using System.Text.Json.Nodes;
using Accessibility.Api.Features.Coverage;
using Accessibility.Api.Features.PlanTargets;

namespace Accessibility.Api.Features.Evaluations;

/// <summary>
/// Which registry figure measures a plan target's indicator: the one mapping of the server (docs/evaluations.md), the
/// same as the map panel's and the annual report's (<c>wwwroot/coverage.js</c>, <c>targetProgress</c>):
/// <list type="bullet">
/// <item><c>household_renovation*</c>, a count: households whose renovation was accepted inside the period
/// (<see cref="HouseholdsRenovated"/>, the coverage response's <c>renovations.targets[].accepted</c>);</item>
/// <item><c>household_renovation*</c>, a ratio: those households ÷ the eligible households
/// (<see cref="HouseholdRenovationCoverage"/>, <c>renovations.targets[].currentRatio</c>);</item>
/// <item><c>township_service_facility_coverage</c>: the share of townships with an operational disability service
/// facility (<see cref="TownshipServiceShare"/>, <c>townshipService.share</c>);</item>
/// <item><c>new_project_accessibility_rate</c>: accepted new-build projects meeting every applicable barrier-free item ÷
/// accepted new-build projects within the period (<see cref="NewProjectRate"/>, <c>newProjects.period.rate</c>); a rate over
/// the period's own projects has no baseline: it is judged on its value alone (<see cref="HasBaseline"/>);</item>
/// <item>anything else: not measured by the registry, with the reason. No figure is made up for it.</item>
/// </list>
/// A renovation figure counts from the period's start, so its baseline (the day before the period) is 0 by definition;
/// the township share is read as the registry held it on that day.
/// </summary>
public static class TargetMeasures
{
    /// <summary>Households whose renovation was accepted inside the period (a count).</summary>
    public const string HouseholdsRenovated = "householdsRenovated";

    /// <summary>Those households ÷ the eligible households (a share).</summary>
    public const string HouseholdRenovationCoverage = "householdRenovationCoverage";

    /// <summary>Share of townships with an operational disability service facility.</summary>
    public const string TownshipServiceShare = "townshipServiceShare";

    /// <summary>Accepted new-build projects meeting every applicable barrier-free item ÷ those accepted within the period (a share).</summary>
    public const string NewProjectRate = "newProjectRate";

    private const string RenovationPrefix = "household_renovation";

    /// <summary>Why the registry measures no figure of an indicator it knows of, in Chinese and English.</summary>
    private static readonly IReadOnlyDictionary<string, (string Zh, string En)> NotMeasured = new Dictionary<string, (string, string)>(StringComparer.Ordinal);

    /// <summary>The figure measuring <paramref name="target"/>, or null when the registry measures none.</summary>
    public static string? FigureOf(PlanTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Indicator.StartsWith(RenovationPrefix, StringComparison.Ordinal))
        {
            return target.Kind == PlanTargetKind.Ratio ? HouseholdRenovationCoverage : HouseholdsRenovated;
        }

        if (target.Indicator == NewProjectsIndicator.Indicator && target.Kind == PlanTargetKind.Ratio)
        {
            return NewProjectRate;
        }

        return target.Indicator == CoverageEndpoints.TownshipServiceIndicator && target.Kind == PlanTargetKind.Ratio ? TownshipServiceShare : null;
    }

    /// <summary>Whether <paramref name="figure"/> counts households (sensitive: the public gets it under <see cref="HouseholdPrivacy"/>).</summary>
    public static bool IsHouseholdFigure(string figure) => figure is HouseholdsRenovated or HouseholdRenovationCoverage;

    /// <summary>Whether <paramref name="figure"/> counts from the period's start, so that its baseline is 0 by definition.</summary>
    public static bool CountsFromPeriodStart(string figure) => IsHouseholdFigure(figure);

    /// <summary>
    /// Whether <paramref name="figure"/> has a baseline. The new-project rate has none: it is a rate over the projects
    /// accepted within the period, and there were none before it began; it is judged on its value alone (met, else behind,
    /// missed once the period is over: one project built without its items keeps the period's rate below 100%).
    /// </summary>
    public static bool HasBaseline(string figure) => figure != NewProjectRate;

    /// <summary>Whether <paramref name="figure"/> is a share (0–1) rather than a count.</summary>
    public static bool IsShare(string figure) => figure != HouseholdsRenovated;

    /// <summary>The definition of <paramref name="figure"/> (zh, en), from the coverage indicators it is read from.</summary>
    public static JsonObject Definition(string figure) => figure switch
    {
        TownshipServiceShare => CoverageDefinitions.Of("townshipService"),
        NewProjectRate => CoverageDefinitions.Of("newProjects"),
        _ => CoverageDefinitions.Of("renovations"),
    };

    /// <summary>Why <paramref name="target"/> is not measured by the registry (zh, en).</summary>
    public static (string Zh, string En) WhyNotMeasured(PlanTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return NotMeasured.TryGetValue(target.Indicator, out var reason)
            ? reason
            : ($"本平台没有对应“{target.Indicator}”指标的统计口径，不计算该指标。",
               $"The registry has no figure defined for the indicator '{target.Indicator}', so it computes none.");
    }

    /// <summary>
    /// The value of <paramref name="figure"/> for <paramref name="target"/> in a coverage response of the target's district
    /// (<see cref="CoverageEndpoints.IndicatorsAsync"/>), as served to the caller (null when withheld or absent).
    /// </summary>
    public static decimal? Read(string figure, PlanTarget target, JsonObject coverage)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(coverage);
        if (figure == TownshipServiceShare)
        {
            return coverage["townshipService"]?["share"]?.GetValue<decimal>();
        }

        if (figure == NewProjectRate)
        {
            // The coverage's period is that of the target it is held to; another period's target is read from its own.
            var period = coverage["newProjects"]?["period"];
            return period?["firstYear"]?.GetValue<int>() == target.PeriodStart && period?["lastYear"]?.GetValue<int>() == target.PeriodEnd
                ? period?["rate"]?.GetValue<decimal>()
                : null;
        }

        var entry = coverage["renovations"]?["targets"]?.AsArray().FirstOrDefault(t => t?["targetId"]?.GetValue<long>() == target.Id);
        return figure == HouseholdRenovationCoverage
            ? entry?["currentRatio"]?.GetValue<decimal>()
            : entry?["accepted"]?.GetValue<int>();
    }
}
