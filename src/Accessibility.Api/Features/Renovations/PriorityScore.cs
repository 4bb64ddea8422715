using System.Globalization;
using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// The transparent priority score of a waiting household: the sum over five terms of
/// weight × factor, each factor between 0 and 1, so the points of every term can be shown.
/// <list type="bullet">
/// <item><c>grade</c>: 1 for grade 1 (一级), 0.5 for grade 2 (二级).</item>
/// <item><c>lowIncome</c>: 1 for 低保 or 特困, 0.5 for 低收入, 0 otherwise.</item>
/// <item><c>waitingDays</c>: days since identification ÷ 365, at most 1.</item>
/// <item><c>livingAlone</c>: 1 when the person lives alone.</item>
/// <item><c>age</c>: (age − 60) ÷ 20 between 0 and 1: 0 up to 60, 1 from 80.</item>
/// </list>
/// Default weights 30, 25, 20, 15, 10 (100 points in all); a district administrator sets others.
/// </summary>
public static class PriorityScore
{
    /// <summary>Term names in display order.</summary>
    public static readonly IReadOnlyList<string> Terms = ["grade", "lowIncome", "waitingDays", "livingAlone", "age"];

    /// <summary>The default weights.</summary>
    public static IReadOnlyDictionary<string, decimal> DefaultWeights { get; } = new Dictionary<string, decimal>(StringComparer.Ordinal)
    {
        ["grade"] = 30,
        ["lowIncome"] = 25,
        ["waitingDays"] = 20,
        ["livingAlone"] = 15,
        ["age"] = 10,
    };

    /// <summary>The weights stored for a district, with defaults for any term not stored.</summary>
    public static Dictionary<string, decimal> Weights(JsonObject? stored)
    {
        var weights = new Dictionary<string, decimal>(DefaultWeights, StringComparer.Ordinal);
        if (stored is null)
        {
            return weights;
        }

        foreach (var term in Terms)
        {
            if (stored[term] is JsonValue v && v.TryGetValue<decimal>(out var w))
            {
                weights[term] = w;
            }
        }

        return weights;
    }

    /// <summary>The factor of each term for one case, as of <paramref name="today"/>.</summary>
    public static IReadOnlyList<ScoreTerm> Score(RenovationCase c, IReadOnlyDictionary<string, decimal> weights, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(weights);
        var waited = Math.Max(0, today.DayNumber - c.IdentifiedOn.DayNumber);
        var age = today.Year - c.BirthYear;
        var factors = new (string Term, decimal Factor, string Basis)[]
        {
            ("grade", c.DisabilityGrade == 1 ? 1m : 0.5m, c.DisabilityGrade == 1 ? "一级 grade 1" : "二级 grade 2"),
            ("lowIncome", c.Eligibility is "dibao" or "extreme_poverty" ? 1m : c.Eligibility == "low_income" ? 0.5m : 0m, c.Eligibility),
            ("waitingDays", Math.Min(1m, waited / 365m), waited.ToString(CultureInfo.InvariantCulture) + " d"),
            ("livingAlone", c.LivesAlone ? 1m : 0m, c.LivesAlone ? "yes" : "no"),
            ("age", Math.Clamp((age - 60) / 20m, 0m, 1m), age.ToString(CultureInfo.InvariantCulture)),
        };
        return factors.Select(f =>
        {
            var factor = Math.Round(f.Factor, 4);
            var weight = weights.TryGetValue(f.Term, out var w) ? w : 0m;
            return new ScoreTerm(f.Term, f.Basis, factor, weight, Math.Round(factor * weight, 2));
        }).ToList();
    }
}

/// <summary>One term of a priority score.</summary>
/// <param name="Term">grade, lowIncome, waitingDays, livingAlone or age.</param>
/// <param name="Basis">The fact it is computed from (grade, eligibility, days waited, age).</param>
/// <param name="Factor">Between 0 and 1.</param>
/// <param name="Weight">The district's weight.</param>
/// <param name="Points">Factor × weight, rounded to 2 decimals.</param>
public sealed record ScoreTerm(string Term, string Basis, decimal Factor, decimal Weight, decimal Points);
