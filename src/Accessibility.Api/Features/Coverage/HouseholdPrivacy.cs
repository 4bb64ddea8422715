using System.Security.Claims;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Renovations;

namespace Accessibility.Api.Features.Coverage;

/// <summary>
/// Who sees the household figures of the coverage endpoints, and what everybody else (the public) gets. Renovated
/// households are homes of people with severe disabilities (sensitive personal information under PIPL), so the public's
/// household figures come from one fixed grid that no parameter steers: per county, the counts of the renovation
/// statistics (<see cref="SuppressedTable"/>), and the county's toilet reach at the default radius only. Every public
/// household figure is at least <see cref="SuppressedTable.Threshold"/> and is either a sum of cells the statistics
/// already publish or, with its parts, withheld whole, so that no figure below 5 can be found by subtracting one answer
/// from another (covered from total, children from parent, months from a period, one endpoint from another). Public
/// gap cells, candidates and what-if leave households out entirely.
/// </summary>
public static class HouseholdPrivacy
{
    /// <summary>
    /// Whether <paramref name="user"/> may see the households of <paramref name="districtCode"/> and so every household
    /// figure of it unsuppressed: whoever may read the district's household cases
    /// (the rule table, docs/authorization.md). The one decision of the coverage feature; anyone else gets the public figures.
    /// </summary>
    public static bool MaySeeHouseholds(ClaimsPrincipal user, string districtCode) =>
        RenovationEndpoints.MaySeeHouseholds(user, districtCode);

    /// <summary>Whether <paramref name="code"/> is a county-level district (6 digits not ending in 00): the level the statistics publish.</summary>
    public static bool IsCounty(string code) => code.Length == 6 && !code.EndsWith("00", StringComparison.Ordinal);

    /// <summary>
    /// The households of <paramref name="statuses"/> in a county as the public statistics publish them
    /// (<paramref name="table"/>, null when the county is not published): the sum of the statuses' totals when every one
    /// of them is shown and the sum is at least 5, else null. Being a sum of shown figures, it reveals nothing new.
    /// </summary>
    public static int? PublishedSum(SuppressedTable? table, IEnumerable<string> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        if (table is null)
        {
            return null;
        }

        var sum = 0;
        foreach (var status in statuses)
        {
            if (table.StatusTotal(status) is not { } n)
            {
                return null;
            }

            sum += n;
        }

        return sum >= SuppressedTable.Threshold ? sum : null;
    }
}
