using Accessibility.Api.Features.Evaluations;

namespace Accessibility.Api.Tests.Evaluations;

/// <summary>The arithmetic of an evaluation, by hand (<see cref="PlanEvaluation"/>).</summary>
public sealed class PlanEvaluationTests
{
    [Theory]
    [InlineData(2021, 2025, "2021-01-01", 0.0027, 4.9973)] // 1 day of 365.2
    [InlineData(2021, 2025, "2023-06-30", 2.4945, 2.5055)] // 911 and 915 days
    [InlineData(2021, 2025, "2025-12-31", 5, 0)]
    [InlineData(2016, 2020, "2018-06-30", 2.4959, 2.5041)] // 912 of 1,827 days (two leap years), a year of 365.4
    public void Elapsed_and_remaining_years_add_up_to_the_period(int first, int last, string date, double elapsed, double remaining)
    {
        var (e, r) = PlanEvaluation.Years(first, last, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((decimal)elapsed, e);
        Assert.Equal((decimal)remaining, r);
    }

    [Fact]
    public void A_count_behind_its_pace_needs_the_rest_spread_over_the_remaining_years()
    {
        var j = PlanEvaluation.Judge(0, 40, 100, ">=", 2021, 2025, new DateOnly(2023, 6, 30));
        Assert.Equal(40m, j.Change);
        Assert.Equal(0.4m, j.Progress);
        Assert.Equal(16.0353m, j.PacePerYear);     // 40 / 2.4945
        Assert.Equal(23.9473m, j.NeededPerYear);   // 60 / 2.5055
        Assert.Equal(PlanEvaluation.Statuses.Behind, j.Status); // 40 + 16.04 × 2.51 ≈ 80 < 100
    }

    [Fact]
    public void At_the_same_pace_to_the_end_a_target_is_on_track()
    {
        var j = PlanEvaluation.Judge(0, 50, 100, ">=", 2021, 2025, new DateOnly(2023, 6, 30));
        Assert.Equal(PlanEvaluation.Statuses.OnTrack, j.Status); // 50 + 50 / 2.4945 × 2.5055 ≈ 100.2
    }

    [Fact]
    public void A_share_from_a_baseline_counts_progress_from_it_and_a_met_target_needs_nothing()
    {
        var j = PlanEvaluation.Judge(0.4m, 0.7m, 1m, ">=", 2021, 2025, new DateOnly(2023, 6, 30));
        Assert.Equal(0.5m, j.Progress);            // 0.3 / 0.6
        var met = PlanEvaluation.Judge(0.4m, 1m, 1m, ">=", 2021, 2025, new DateOnly(2023, 6, 30));
        Assert.Equal(PlanEvaluation.Statuses.Met, met.Status);
        Assert.Equal(0m, met.NeededPerYear);
        // "> 50 %": exactly half is not met.
        Assert.NotEqual(PlanEvaluation.Statuses.Met, PlanEvaluation.Judge(0, 0.5m, 0.5m, ">", 2021, 2025, new DateOnly(2023, 6, 30)).Status);
    }

    [Fact]
    public void A_baseline_already_at_the_target_has_no_progress_share_and_an_ended_period_is_met_or_missed()
    {
        var already = PlanEvaluation.Judge(1, 1, 1, ">=", 2021, 2025, new DateOnly(2025, 12, 31));
        Assert.Null(already.Progress);
        Assert.Equal(PlanEvaluation.Statuses.Met, already.Status);
        Assert.Null(already.NeededPerYear);
        var missed = PlanEvaluation.Judge(0, 99, 100, ">=", 2021, 2025, new DateOnly(2025, 12, 31));
        Assert.Equal(PlanEvaluation.Statuses.Missed, missed.Status);
        Assert.Equal(19.8m, missed.PacePerYear);
    }

    [Theory]
    [InlineData(EvaluateDistrict.MidTerm, 2021, 2025, "2023-06-30")]
    [InlineData(EvaluateDistrict.MidTerm, 2021, 2024, "2022-12-31")]
    [InlineData(EvaluateDistrict.Final, 2021, 2025, "2025-12-31")]
    [InlineData(EvaluateDistrict.MidTerm, 2026, 2030, "2026-12-07")] // never after today
    [InlineData(EvaluateDistrict.Final, 2026, 2030, "2026-12-07")]
    public void The_stage_gives_the_default_date(string stage, int first, int last, string expected)
    {
        var today = new DateOnly(2026, 12, 7);
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), EvaluateDistrict.DefaultDate(stage, first, last, today));
    }
}
