using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.PlanTargets;

/// <summary>Use case: a district administrator adds a target from the district's plan (audited).</summary>
public sealed class CreatePlanTarget(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>Adds the target of <paramref name="request"/> in the caller's districts.</summary>
    public async Task<Outcome<PlanTarget>> RunAsync(HttpContext http, PlanTargetRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var timeErrors = new FieldErrors();
        var effective = EffectiveTime.Parse(request.ValidFrom, clock, timeErrors)?.ToUniversalTime();
        if (!timeErrors.IsEmpty)
        {
            return Outcome<PlanTarget>.Refused(timeErrors.ToResult(StatusCodes.Status400BadRequest, "validFrom is not acceptable."));
        }

        var errors = await PlanTargetRules.ValidateAsync(request, db, ct);
        if (!errors.IsEmpty)
        {
            return Outcome<PlanTarget>.Invalid(errors);
        }

        var code = DistrictCodes.Normalize(request.DistrictCode!);
        if (await http.AuthorizeAsync(Operations.Create, RegistryResource.In(ResourceKinds.PlanTarget, code)) is { } denied)
        {
            return Outcome<PlanTarget>.Refused(denied);
        }

        var target = new PlanTarget
        {
            DistrictCode = code,
            Indicator = request.Indicator!,
            Title = request.Title!,
            SourceDocument = request.SourceDocument!,
        };
        request.ApplyTo(target);

        // The audit entry names the new id, so the row is saved first; one transaction keeps both or neither.
        // Adopted at validFrom when given: the target is in force from then (docs/history.md).
        await using var transaction = await EffectiveTime.BeginAsync(db, effective, ct);
        db.PlanTargets.Add(target);
        await db.SaveChangesAsync(ct);
        audit.Record(http, AuditActions.Create, PlanTargetRules.AuditEntityType, target.Id.ToString(CultureInfo.InvariantCulture), null, PlanTargetResponse.From(target))
            .WithValidFrom(effective);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Outcome<PlanTarget>.Done(target);
    }
}
