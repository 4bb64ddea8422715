using Accessibility.Api.Data;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.PlanTargets;

/// <summary>Use case: one plan target, if the caller may read it.</summary>
public sealed class GetPlanTarget(RegistryDbContext db)
{
    /// <summary>The target <paramref name="id"/>.</summary>
    public async Task<Outcome<PlanTarget>> RunAsync(HttpContext http, long id, CancellationToken ct)
    {
        var target = await db.PlanTargets.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        if (target is null)
        {
            return Outcome<PlanTarget>.NotFound();
        }

        return await http.AuthorizeAsync(Operations.Read, RegistryResource.In(ResourceKinds.PlanTarget, target.DistrictCode)) is { } denied
            ? Outcome<PlanTarget>.Refused(denied)
            : Outcome<PlanTarget>.Done(target);
    }
}
