using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.PlanTargets;

/// <summary>
/// Use case: a district administrator retires a target (a plan replaced, a figure withdrawn). The row goes; the audit log
/// keeps the whole target as it was, so the trail of a retired target stays readable.
/// </summary>
public sealed class RetirePlanTarget(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>
    /// Retires target <paramref name="id"/>; done with the target as it was. With <paramref name="validFrom"/> (a date or an
    /// instant), retired as of then: the targets in force as of a later date leave it out (docs/history.md).
    /// </summary>
    public async Task<Outcome<PlanTarget>> RunAsync(HttpContext http, long id, CancellationToken ct, string? validFrom = null)
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

        var timeErrors = new FieldErrors();
        var effective = EffectiveTime.Parse(validFrom, clock, timeErrors)?.ToUniversalTime();
        if (effective is not null && await EffectiveTime.CurrentSinceAsync(await WriteResults.OpenAsync(db, ct), "plan_targets", id, ct) is { } since)
        {
            EffectiveTime.CheckAgainst(effective, since, timeErrors);
        }

        if (!timeErrors.IsEmpty)
        {
            return Outcome<PlanTarget>.Refused(timeErrors.ToResult(StatusCodes.Status400BadRequest, "validFrom is not acceptable."));
        }

        audit.Record(http, AuditActions.Delete, PlanTargetRules.AuditEntityType, id.ToString(CultureInfo.InvariantCulture), PlanTargetResponse.From(target), null)
            .WithValidFrom(effective);
        db.PlanTargets.Remove(target);
        await using var transaction = await EffectiveTime.BeginAsync(db, effective, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Outcome<PlanTarget>.Done(target);
    }
}
