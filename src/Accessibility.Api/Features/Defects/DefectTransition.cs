using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Defects;

/// <summary>
/// The frame of every lifecycle step of a defect (assign, fix, reject): lock it, 404, the rule (403), the allowed
/// from-status (409 naming the current status), the step's own checks (422), then the change, its history entry and its
/// audit entry in one transaction. The steps are the use-case services beside this file; verification and reopening
/// happen through re-inspections (<see cref="InspectionRecorder"/>).
/// </summary>
public sealed class DefectTransition(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>
    /// Moves defect <paramref name="id"/> from one of <paramref name="from"/> to <paramref name="to"/>, if the caller may
    /// <paramref name="operation"/> it; <paramref name="apply"/> checks the step's input (errors into the field errors)
    /// and answers the history note and evidence photos. Answers the defect's id. With <paramref name="validFrom"/> (a date or
    /// instant, e.g. the day it was fixed, entered late), the step takes effect then: its history entry is dated then and
    /// the as-of figures count it from then (docs/history.md); a bad one is a 400 naming <c>validFrom</c>.
    /// </summary>
    public async Task<StepOutcome<long>> RunAsync(
        HttpContext http, long id, OperationAuthorizationRequirement operation, IReadOnlyList<string> from, string to,
        Func<Defect, FieldErrors, (string? Note, Guid[] Photos)> apply, CancellationToken ct, string? validFrom = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(apply);
        var timeErrors = new FieldErrors();
        var effective = EffectiveTime.Parse(validFrom, clock, timeErrors)?.ToUniversalTime();
        if (!timeErrors.IsEmpty)
        {
            return StepOutcome<long>.Refused(timeErrors.ToResult(StatusCodes.Status400BadRequest, "validFrom is not acceptable."));
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        await using var tx = await EffectiveTime.BeginAsync(db, effective, ct);
        // FOR UPDATE: two concurrent steps on one defect are applied one after the other, each checking the status it finds.
        var defect = (await db.Defects.FromSql($"SELECT * FROM defects WHERE id = {id} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (defect is null)
        {
            return StepOutcome<long>.Refused(WriteResults.NotFound(id));
        }

        if (await http.AuthorizeAsync(operation, DefectAccess.Resource(defect)) is { } denied)
        {
            return StepOutcome<long>.Refused(denied);
        }

        if (!from.Contains(defect.Status, StringComparer.Ordinal))
        {
            return StepOutcome<long>.Refused(TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Not allowed in this status",
                detail: $"Defect {id.ToString(CultureInfo.InvariantCulture)} is {defect.Status}; it can become {to} only from {string.Join(" or ", from)}.",
                extensions: new Dictionary<string, object?> { ["status"] = defect.Status }));
        }

        if (effective is not null && await EffectiveTime.CurrentSinceAsync(connection, "defects", id, ct) is { } since)
        {
            EffectiveTime.CheckAgainst(effective, since, timeErrors);
            if (!timeErrors.IsEmpty)
            {
                return StepOutcome<long>.Refused(timeErrors.ToResult(StatusCodes.Status400BadRequest, "validFrom is not acceptable."));
            }
        }

        var errors = new FieldErrors();
        var before = defect.Status;
        var beforeUnit = defect.ManagingUnit;
        var beforeDue = defect.DueAt;
        var (note, photos) = apply(defect, errors);
        if (!errors.IsEmpty)
        {
            db.ChangeTracker.Clear();
            return StepOutcome<long>.Refused(errors.ToResult());
        }

        var now = clock.GetUtcNow();
        var at = effective ?? now;
        var actor = new Actor(UserPrincipal.UserId(http.User), http.User.Identity?.Name ?? "unknown");
        defect.Status = to;
        defect.UpdatedAt = now;
        if (to == DefectStatuses.Rejected)
        {
            defect.ClosedAt = at;
        }

        var entry = InspectionRecorder.Event(actor, at, before, to, note, null, photos);
        entry.DefectId = defect.Id;
        db.DefectEvents.Add(entry);
        audit.Record(http, AuditActions.Update, InspectionRecorder.AuditDefect, id.ToString(CultureInfo.InvariantCulture),
            new { status = before, managingUnit = beforeUnit, dueAt = beforeDue },
            new { status = to, managingUnit = defect.ManagingUnit, dueAt = defect.DueAt, note, photoIds = photos }).WithValidFrom(effective);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return StepOutcome<long>.Applied(id);
    }
}
