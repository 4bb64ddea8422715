using Accessibility.Api.Data;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Renovations;

/// <summary>Use case: the priority list, the waiting households of a district by priority score, term by term, with the district's weights.</summary>
public sealed class RenovationPriority(RegistryDbContext db, PersonalDataProtector protector, TimeProvider clock)
{
    /// <summary>The waiting households of <paramref name="district"/> by score as of <paramref name="asOf"/> (default today).</summary>
    public async Task<RenovationOutcome<PriorityList>> ListAsync(HttpContext http, string? district, DateOnly? asOf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (scope, prefix) = await RenovationCaseRules.DistrictScopeAsync(http, district, Operations.ReadPersonal, ResourceKinds.RenovationCase);
        if (scope is not null)
        {
            return RenovationOutcome<PriorityList>.Refused(scope);
        }

        var code = DistrictCodes.Normalize(district!);
        var today = asOf ?? RenovationCaseRules.Today(clock);
        var weights = PriorityScore.Weights(await RenovationCaseRules.StoredWeightsAsync(db, code, ct));
        var waiting = await db.RenovationCases.AsNoTracking()
            .Where(c => c.DistrictCode.StartsWith(prefix) && (c.Status == RenovationWorkflow.Identified || c.Status == RenovationWorkflow.Assessed))
            .ToListAsync(ct);
        var entries = waiting.Select(c =>
        {
            var terms = PriorityScore.Score(c, weights, today);
            return new PriorityEntry(
                c.Id, c.PersonName, RenovationCaseViews.Summary(c, protector).IdNumberMasked, c.Status, c.TownshipCode, terms.Sum(t => t.Points), terms);
        }).OrderByDescending(e => e.Score).ThenBy(e => e.Id).ToList();
        return RenovationOutcome.Success(new PriorityList(code, today, weights, entries));
    }
}
