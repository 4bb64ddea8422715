namespace Accessibility.Api.Features.Coverage;

/// <summary>
/// Greedy maximal coverage: pick after pick, the candidate that covers the most demand points not yet covered (by
/// the existing facilities or by an earlier pick); ties go to the lowest cell id (i, then j); it stops early once no
/// candidate adds anything. Greedy is the classic (1 − 1/e)-approximation of maximal coverage, and unlike ranking
/// cells by their own demand it does not pick two sites that cover the same points.
/// </summary>
public static class GreedyCoverage
{
    /// <summary>Up to <paramref name="count"/> picks from <paramref name="candidates"/>, in pick order.</summary>
    public static IReadOnlyList<Pick> Choose(IReadOnlyList<Candidate> candidates, int count)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var ordered = candidates.OrderBy(c => c.I).ThenBy(c => c.J).ToList();
        var covered = new HashSet<int>();
        var picks = new List<Pick>();
        var taken = new bool[ordered.Count];
        while (picks.Count < count)
        {
            var best = -1;
            var bestGain = 0;
            for (var k = 0; k < ordered.Count; k++)
            {
                if (taken[k])
                {
                    continue;
                }

                var gain = ordered[k].Covers.Count(n => !covered.Contains(n));
                if (gain > bestGain)
                {
                    best = k;
                    bestGain = gain;
                }
            }

            if (best < 0)
            {
                break;
            }

            taken[best] = true;
            covered.UnionWith(ordered[best].Covers);
            picks.Add(new Pick(ordered[best], bestGain));
        }

        return picks;
    }
}

/// <summary>A candidate site: the centre of cell (<paramref name="I"/>, <paramref name="J"/>).</summary>
/// <param name="I">Cell column (ST_HexagonGrid's i).</param>
/// <param name="J">Cell row (ST_HexagonGrid's j).</param>
/// <param name="Lon">Centre longitude (CGCS2000).</param>
/// <param name="Lat">Centre latitude.</param>
/// <param name="Covers">Numbers of the uncovered demand points within the radius of the centre.</param>
public sealed record Candidate(long I, long J, double Lon, double Lat, IReadOnlyList<int> Covers)
{
    /// <summary>The cell id, "i,j".</summary>
    public string Cell => FormattableString.Invariant($"{I},{J}");
}

/// <summary>One pick and the demand it adds.</summary>
/// <param name="Site">The candidate picked.</param>
/// <param name="AddedDemand">Demand points it covers that nothing covered before.</param>
public sealed record Pick(Candidate Site, int AddedDemand);
