using Accessibility.Api.Data;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.PlanTargets;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// Use case: planning against the plan targets of a district: accepted, pipeline, the forecast at the current pace with a
/// warning for binding targets that will be missed; budget and spending per year; cases by status.
/// </summary>
public sealed class PlanRenovations(RegistryDbContext db, TimeProvider clock)
{
    /// <summary>
    /// The planning figures of <paramref name="district"/>, of the targets running in <paramref name="year"/> (default all);
    /// with <paramref name="asOf"/>, as the registry held them at the end of that day (targets in force, cases, budgets and
    /// settings then), the forecast computed with that day as today.
    /// </summary>
    public async Task<RenovationOutcome<PlanningResponse>> PlanAsync(HttpContext http, string? district, int? year, AsOf? asOf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (scope, prefix) = await RenovationCaseRules.DistrictScopeAsync(http, district, Operations.Read, ResourceKinds.RenovationPlan);
        if (scope is not null)
        {
            return RenovationOutcome<PlanningResponse>.Refused(scope);
        }

        var code = DistrictCodes.Normalize(district!);
        var day = asOf?.Date ?? RenovationCaseRules.Today(clock);
        var targets = await PlanTargetsInForce.Of(db, asOf)
            .Where(t => t.DistrictCode == code && t.Indicator.StartsWith("household_renovation"))
            .Where(t => year == null || (t.PeriodStart <= year && t.PeriodEnd >= year))
            .OrderBy(t => t.Id).ToListAsync(ct);
        var connection = await WriteResults.OpenAsync(db, ct);
        var eligible = await RenovationSql.EligibleHouseholdsAsync(connection, code, ct, asOf);
        var progress = new List<TargetProgress>();
        foreach (var t in targets)
        {
            var to = new DateOnly(t.PeriodEnd, 12, 31);
            var (accepted, pipeline, registered) = await RenovationSql.TargetFiguresAsync(
                connection, prefix, new DateOnly(t.PeriodStart, 1, 1), day < to ? day : to, ct, asOf);
            progress.Add(RenovationPlanning.Progress(t, accepted, pipeline, eligible ?? registered, day));
        }

        var first = year ?? (targets.Count > 0 ? targets.Min(t => t.PeriodStart) : day.Year);
        var last = year ?? (targets.Count > 0 ? targets.Max(t => t.PeriodEnd) : day.Year);
        var years = await RenovationSql.YearFiguresAsync(connection, prefix, first, last, ct, asOf);
        var byStatus = await RenovationSql.StatusCountsAsync(connection, prefix, ct, asOf);
        return RenovationOutcome.Success(new PlanningResponse(code, day, progress, years, byStatus));
    }
}
