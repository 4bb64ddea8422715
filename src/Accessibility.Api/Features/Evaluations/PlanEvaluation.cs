using Accessibility.Api.Features.Renovations;

namespace Accessibility.Api.Features.Evaluations;

/// <summary>
/// The arithmetic of an evaluation (中期评估 / 总结评估), kept pure so that it can be checked by hand:
/// <list type="bullet">
/// <item>the period runs from 1 January of its first year to 31 December of its last (<c>periodDays</c>); a year of the
/// period is <c>periodDays ÷ years</c> days, so elapsed and remaining years add up to the period's years exactly;</item>
/// <item><c>elapsedYears</c> = days from the period's start to the evaluation date inclusive, in years;
/// <c>remainingYears</c> = the days after it to the period's end, in years;</item>
/// <item><c>change</c> = value − baseline; <c>progress</c> = change ÷ (target − baseline), given only where that
/// means something (the baseline does not already meet the target, and the target differs from it);</item>
/// <item><c>pacePerYear</c> = change ÷ elapsedYears (the pace so far); <c>neededPerYear</c> = (target − value) ÷
/// remainingYears (what each remaining year must add to reach the target by the period's end; 0 when met);</item>
/// <item>status: <c>met</c> when the value meets the target with its comparator; else <c>missed</c> when no time is left;
/// else <c>onTrack</c> when the value plus the pace so far over the remaining years would meet it; else <c>behind</c>.</item>
/// </list>
/// Figures are rounded to 4 decimals.
/// </summary>
public static class PlanEvaluation
{
    /// <summary>The status of a target the registry measures and the value of which is known.</summary>
    public static class Statuses
    {
        /// <summary>The value meets the target.</summary>
        public const string Met = "met";

        /// <summary>Not met yet; at the pace so far it would be by the period's end.</summary>
        public const string OnTrack = "onTrack";

        /// <summary>Not met; at the pace so far it would not be by the period's end.</summary>
        public const string Behind = "behind";

        /// <summary>The period is over and the target was not met.</summary>
        public const string Missed = "missed";

        /// <summary>No figure to judge by: not measured by the registry, or withheld (the reason says which).</summary>
        public const string NotMeasurable = "notMeasurable";
    }

    /// <summary>Elapsed and remaining years of the period <paramref name="firstYear"/>–<paramref name="lastYear"/> at <paramref name="date"/>.</summary>
    public static (decimal Elapsed, decimal Remaining) Years(int firstYear, int lastYear, DateOnly date)
    {
        var start = new DateOnly(firstYear, 1, 1);
        var end = new DateOnly(lastYear, 12, 31);
        var periodDays = end.DayNumber - start.DayNumber + 1;
        var yearDays = (decimal)periodDays / (lastYear - firstYear + 1);
        var elapsed = Math.Clamp(date.DayNumber - start.DayNumber + 1, 0, periodDays);
        return (Math.Round(elapsed / yearDays, 4), Math.Round((periodDays - elapsed) / yearDays, 4));
    }

    /// <summary>Judges a value against its target (see the class's summary).</summary>
    public static Judgement Judge(decimal baseline, decimal value, decimal target, string comparator, int firstYear, int lastYear, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(comparator);
        var (elapsed, remaining) = Years(firstYear, lastYear, date);
        var change = value - baseline;
        var met = RenovationPlanning.Meets(value, comparator, target);
        decimal? progress = target == baseline || RenovationPlanning.Meets(baseline, comparator, target)
            ? null
            : Math.Round(change / (target - baseline), 4);
        decimal? pace = elapsed > 0 ? Math.Round(change / elapsed, 4) : null;
        decimal? needed = remaining > 0 ? (met ? 0 : Math.Round((target - value) / remaining, 4)) : null;
        string status;
        if (met)
        {
            status = Statuses.Met;
        }
        else if (remaining <= 0)
        {
            status = Statuses.Missed;
        }
        else
        {
            // The pace so far carried on to the end (unrounded, so a pace that just reaches the target counts).
            var projected = value + (elapsed > 0 ? change / elapsed * remaining : 0);
            status = RenovationPlanning.Meets(projected, comparator, target) ? Statuses.OnTrack : Statuses.Behind;
        }

        return new Judgement(change, progress, pace, needed, status);
    }
}

/// <summary>How a measured target stands at the evaluation date.</summary>
/// <param name="Change">Value − baseline.</param>
/// <param name="Progress">Share of the way from the baseline to the target covered, where meaningful.</param>
/// <param name="PacePerYear">Change per elapsed year: the pace so far.</param>
/// <param name="NeededPerYear">Change needed per remaining year to reach the target by the period's end (null when none remains).</param>
/// <param name="Status">One of <see cref="PlanEvaluation.Statuses"/>.</param>
public sealed record Judgement(decimal Change, decimal? Progress, decimal? PacePerYear, decimal? NeededPerYear, string Status);
