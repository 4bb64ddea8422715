using Accessibility.Api.Data;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.PlanTargets;

/// <summary>Use case: the plan targets of a district (or every district the caller reads), optionally with those above it.</summary>
public sealed class ListPlanTargets(RegistryDbContext db, TimeProvider clock)
{
    /// <summary>
    /// The targets of <paramref name="district"/> (null: all) and, with <paramref name="ancestors"/> "true", of the
    /// prefecture and province above it; only those in the caller's read scope (an API key reads its districts only).
    /// With <paramref name="asOf"/> (and <paramref name="knownAt"/>), the targets in force at the end of that day (<see cref="PlanTargetsInForce"/>).
    /// </summary>
    public async Task<Outcome<IReadOnlyList<PlanTarget>>> RunAsync(
        HttpContext http, string? district, string? ancestors, CancellationToken ct, string? asOf = null, string? knownAt = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var errors = new FieldErrors();
        var at = AsOf.Parse(asOf, knownAt, clock, errors);
        string? code = null;
        if (district is not null && !DistrictCodes.TryNormalize(district, out code!))
        {
            errors.Add("district", $"'{district}' is not a GB/T 2260 code.");
        }

        var withAncestors = ancestors is null or "false" ? false : ancestors == "true" ? true : (bool?)null;
        if (withAncestors is null)
        {
            errors.Add("ancestors", "Expected true or false.");
        }

        if (!errors.IsEmpty)
        {
            return Outcome<IReadOnlyList<PlanTarget>>.Invalid(errors);
        }

        var codes = code is null ? null : withAncestors == true ? PlanTargetRules.SelfAndAncestors(code) : [code];
        return Outcome<IReadOnlyList<PlanTarget>>.Done(await QueryAsync(codes, ReadScope.For(http, ResourceKinds.PlanTarget, Operations.Read), ct, at));
    }

    /// <summary>
    /// The targets of <paramref name="codes"/> (null: all) inside <paramref name="scope"/>, by district and indicator; in force at
    /// <paramref name="asOf"/> when given.
    /// </summary>
    public async Task<IReadOnlyList<PlanTarget>> QueryAsync(IReadOnlyCollection<string>? codes, ReadScope scope, CancellationToken ct, AsOf? asOf = null)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var patterns = scope.LikePatterns;
        return await PlanTargetsInForce.Of(db, asOf)
            .Where(t => codes == null || codes.Contains(t.DistrictCode))
            .Where(t => patterns == null || patterns.Any(p => EF.Functions.Like(t.DistrictCode, p)))
            .OrderBy(t => t.DistrictCode).ThenBy(t => t.Indicator).ThenBy(t => t.Id)
            .ToListAsync(ct);
    }
}
