using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.PlanTargets;

/// <summary>Use case: a district administrator corrects a target, against the version read (audited).</summary>
public sealed class UpdatePlanTarget(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>
    /// Replaces target <paramref name="id"/> by <paramref name="request"/>; <paramref name="expectedVersion"/> is the
    /// version the caller read (If-Match, or the request's version), <paramref name="versionErrors"/> any error reading it.
    /// </summary>
    public async Task<Outcome<PlanTarget>> RunAsync(
        HttpContext http, long id, PlanTargetRequest request, long? expectedVersion, FieldErrors? versionErrors, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);

        // Who may change the target is settled before anything about the request is answered.
        var target = await db.PlanTargets.SingleOrDefaultAsync(t => t.Id == id, ct);
        if (target is null)
        {
            return Outcome<PlanTarget>.NotFound();
        }

        if (await http.AuthorizeAsync(Operations.Update, RegistryResource.In(ResourceKinds.PlanTarget, target.DistrictCode)) is { } denied)
        {
            return Outcome<PlanTarget>.Refused(denied);
        }

        var timeErrors = new FieldErrors();
        var effective = EffectiveTime.Parse(request.ValidFrom, clock, timeErrors)?.ToUniversalTime();
        if (effective is not null && await EffectiveTime.CurrentSinceAsync(await WriteResults.OpenAsync(db, ct), "plan_targets", id, ct) is { } since)
        {
            EffectiveTime.CheckAgainst(effective, since, timeErrors);
        }

        if (!timeErrors.IsEmpty)
        {
            return Outcome<PlanTarget>.Refused(timeErrors.ToResult(StatusCodes.Status400BadRequest, "validFrom is not acceptable."));
        }

        var errors = await PlanTargetRules.ValidateAsync(request, db, ct);
        if (versionErrors is not null)
        {
            errors.AddRange(versionErrors.ToDictionary());
        }

        var expected = expectedVersion ?? request.Version;
        if (expected is null)
        {
            errors.Add("version", "Send the version you read (If-Match header or version), so a concurrent change is not overwritten.");
        }

        if (!errors.IsEmpty)
        {
            return Outcome<PlanTarget>.Invalid(errors);
        }

        var code = DistrictCodes.Normalize(request.DistrictCode!);
        if (await http.AuthorizeAsync(Operations.Update, RegistryResource.In(ResourceKinds.PlanTarget, code)) is { } moved)
        {
            return Outcome<PlanTarget>.Refused(moved);
        }

        if (target.Version != expected)
        {
            return Outcome<PlanTarget>.Stale(target);
        }

        var before = PlanTargetResponse.From(target);
        target.DistrictCode = code;
        target.Indicator = request.Indicator!;
        target.Title = request.Title!;
        target.SourceDocument = request.SourceDocument!;
        request.ApplyTo(target);
        audit.Record(http, AuditActions.Update, PlanTargetRules.AuditEntityType, id.ToString(CultureInfo.InvariantCulture), before, PlanTargetResponse.From(target))
            .WithValidFrom(effective);
        try
        {
            // Changed at validFrom when given: the new value is in force from then (docs/history.md).
            await using var transaction = await EffectiveTime.BeginAsync(db, effective, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Lost the race between the version check and the write.
            db.ChangeTracker.Clear();
            return Outcome<PlanTarget>.Stale(await db.PlanTargets.AsNoTracking().SingleAsync(t => t.Id == id, ct));
        }

        return Outcome<PlanTarget>.Done(target);
    }
}
