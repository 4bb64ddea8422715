using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.PlanTargets;

/// <summary>
/// Use case: a district administrator retires a target (a plan replaced, a figure withdrawn). The row goes; the audit log
/// keeps the whole target as it was, so the trail of a retired target stays readable.
/// </summary>
public sealed class RetirePlanTarget(RegistryDbContext db, AuditLog audit)
{
    /// <summary>Retires target <paramref name="id"/>; done with the target as it was.</summary>
    public async Task<Outcome<PlanTarget>> RunAsync(HttpContext http, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var target = await db.PlanTargets.SingleOrDefaultAsync(t => t.Id == id, ct);
        if (target is null)
        {
            return Outcome<PlanTarget>.NotFound();
        }

        if (await http.AuthorizeAsync(Operations.Delete, RegistryResource.In(ResourceKinds.PlanTarget, target.DistrictCode)) is { } denied)
        {
            return Outcome<PlanTarget>.Refused(denied);
        }

        audit.Record(http, AuditActions.Delete, PlanTargetRules.AuditEntityType, id.ToString(CultureInfo.InvariantCulture), PlanTargetResponse.From(target), null);
        db.PlanTargets.Remove(target);
        await db.SaveChangesAsync(ct);
        return Outcome<PlanTarget>.Done(target);
    }
}
