using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Reports;

/// <summary>
/// The frame of every step on a report (accept, reject, merge, unmerge, reopen): lock the report, 404, scope (403),
/// the step itself, then its audit entry and one commit. The steps are the use-case services beside this file.
/// </summary>
public sealed class ReportStep(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>
    /// Runs <paramref name="apply"/> on report <paramref name="id"/> locked for update; <paramref name="apply"/> answers
    /// null when it applied the step, else the refusal. With <paramref name="checkScope"/>, the caller must be allowed to
    /// triage reports of the report's district. Answers the report's id when applied. With <paramref name="validFrom"/> (a
    /// date or an instant, a step entered late), the step takes effect then: <paramref name="apply"/> gets it as the time
    /// of the step and the as-of figures count it from then (docs/history.md); a bad one is a 400 naming <c>validFrom</c>.
    /// </summary>
    public async Task<StepOutcome<long>> RunAsync(
        HttpContext http, long id, bool checkScope, Func<Report, FieldErrors, DateTimeOffset, Task<IResult?>> apply, CancellationToken ct,
        string? validFrom = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(apply);
        var timeErrors = new FieldErrors();
        var effective = EffectiveTime.Parse(validFrom, clock, timeErrors)?.ToUniversalTime();
        if (!timeErrors.IsEmpty)
        {
            return StepOutcome<long>.Refused(timeErrors.ToResult(StatusCodes.Status400BadRequest, "validFrom is not acceptable."));
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        await using var tx = await EffectiveTime.BeginAsync(db, effective, ct);
        var report = (await db.Reports.FromSql($"SELECT * FROM reports WHERE id = {id} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (report is null)
        {
            return StepOutcome<long>.Refused(WriteResults.NotFound(id));
        }

        if (checkScope && await http.AuthorizeAsync(Operations.Triage, RegistryResource.In(ResourceKinds.Report, report.DistrictCode)) is { } denied)
        {
            return StepOutcome<long>.Refused(denied);
        }

        if (effective is not null && await EffectiveTime.CurrentSinceAsync(connection, "reports", id, ct) is { } since)
        {
            EffectiveTime.CheckAgainst(effective, since, timeErrors);
            if (!timeErrors.IsEmpty)
            {
                return StepOutcome<long>.Refused(timeErrors.ToResult(StatusCodes.Status400BadRequest, "validFrom is not acceptable."));
            }
        }

        var before = new { status = report.Status, duplicateOf = report.DuplicateOfId, defectId = report.DefectId };
        var now = effective ?? clock.GetUtcNow();
        if (await apply(report, new FieldErrors(), now) is { } refused)
        {
            db.ChangeTracker.Clear();
            return StepOutcome<long>.Refused(refused);
        }

        audit.Record(http, AuditActions.Update, ReportIntake.AuditEntityType, WriteResults.Id(id), before,
            new { status = report.Status, duplicateOf = report.DuplicateOfId, defectId = report.DefectId, note = report.StatusNotes }).WithValidFrom(effective);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return StepOutcome<long>.Applied(id);
    }

    /// <summary>409 naming the report's status and why the step is not allowed in it.</summary>
    public static IResult Conflict(Report report, string why)
    {
        ArgumentNullException.ThrowIfNull(report);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Not allowed in this status",
            detail: "Report " + WriteResults.Id(report.Id) + " is " + report.Status + ": " + why + ".",
            extensions: new Dictionary<string, object?> { ["status"] = report.Status });
    }
}
