using Accessibility.Api.Features.Coverage;

namespace Accessibility.Api.Tests.Coverage;

/// <summary>The greedy choice itself, on coverage sets written out by hand.</summary>
public sealed class GreedyCoverageTests
{
    [Fact]
    public void Each_pick_covers_the_most_points_not_yet_covered()
    {
        // X covers 1–4, Y 3–7, Z 8–9: Y (5) first, then X adds 1–2 (2) and Z 8–9 (2): a tie, X has the lower cell id.
        var picks = GreedyCoverage.Choose(
        [
            new Candidate(5, 1, 0, 0, [8, 9]),
            new Candidate(2, 7, 0, 0, [3, 4, 5, 6, 7]),
            new Candidate(2, 3, 0, 0, [1, 2, 3, 4]),
        ], 10);
        Assert.Equal(["2,7", "2,3", "5,1"], picks.Select(p => p.Site.Cell));
        Assert.Equal([5, 2, 2], picks.Select(p => p.AddedDemand));
    }

    [Fact]
    public void It_stops_at_count_or_when_nothing_more_is_covered()
    {
        Candidate[] sites = [new(0, 0, 0, 0, [1, 2]), new(0, 1, 0, 0, [1, 2]), new(0, 2, 0, 0, [])];
        Assert.Single(GreedyCoverage.Choose(sites, 10));
        Assert.Single(GreedyCoverage.Choose(sites, 1));
        Assert.Empty(GreedyCoverage.Choose([], 5));
        Assert.Equal("-3,-4", new Candidate(-3, -4, 0, 0, []).Cell);
    }
}
