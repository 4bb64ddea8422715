using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Projects;

/// <summary>
/// Use case: an administrator (<c>administer</c> on construction-project) waives one failing item of a planned facility's
/// latest check in the project's current stage, with the reason; the waiver is audited with its reason. A project accepted
/// with a waiver is not barrier-free compliant.
/// </summary>
public sealed class RecordProjectWaiver(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>Records the waiver <paramref name="request"/> on project <paramref name="projectId"/>; done with the waiver's id.</summary>
    public async Task<Outcome<long>> RunAsync(HttpContext http, long projectId, WaiverRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var connection = await ProjectWrites.OpenAsync(db, ct);
        await using var tx = await EffectiveTime.BeginAsync(db, null, ct);
        var (project, refusal) = await ProjectWrites.LoadAsync(http, connection, projectId, Operations.Administer, ct);
        if (project is null)
        {
            return Outcome<long>.Refused(refusal!);
        }

        var errors = new FieldErrors();
        Text.Require(errors, "reason", request.Reason?.Trim(), 4000);
        PlannedFacilityRow? planned = null;
        if (request.PlannedFacilityId is not { } plannedId)
        {
            errors.Add("plannedFacilityId", "The planned facility is required.");
        }
        else if ((planned = await ProjectSql.PlannedFacilityAsync(connection, projectId, plannedId, ct)) is null)
        {
            errors.Add("plannedFacilityId", "Project " + ProjectWrites.Id(projectId) + " plans no facility " + ProjectWrites.Id(plannedId) + ".");
        }

        if (string.IsNullOrWhiteSpace(request.Item))
        {
            errors.Add("item", "The failing item to waive is required.");
        }

        if (!errors.IsEmpty)
        {
            return Outcome<long>.Invalid(errors);
        }

        if (!ProjectStages.Checked.Contains(project.Stage, StringComparer.Ordinal))
        {
            return Outcome<long>.Conflict(null, ProjectWrites.WrongStage(project, "Failures are waived at design review or at acceptance; the project is in " + project.Stage + "."));
        }

        var checks = await ProjectSql.ChecksAsync(connection, projectId, ct);
        if (!ProjectBarriers.Latest(checks, project.Stage).TryGetValue(planned!.Id, out var latest)
            || !ProjectChecklist.Read(latest.Items).Any(i => i.Verdict == Verdicts.Fail && i.Item == request.Item))
        {
            errors.Add("item", $"Item '{request.Item}' does not fail in the latest {project.Stage} check of {planned.Name}: only a failing item is waived.");
            return Outcome<long>.Invalid(errors);
        }

        if (ProjectBarriers.Waived(await ProjectSql.WaiversAsync(connection, projectId, ct), planned.Id, project.Stage, request.Item!))
        {
            return Outcome<long>.Conflict(new FieldErrors().Add("item", "Item '" + request.Item + "' is waived already at " + project.Stage + "."),
                JsonBody.Invalid(StatusCodes.Status409Conflict, "item", "Item '" + request.Item + "' is waived already at " + project.Stage + "."));
        }

        var (userId, name) = ProjectWrites.Actor(http);
        var reason = request.Reason!.Trim();
        var id = await ProjectSql.InsertWaiverAsync(connection, projectId, planned.Id, project.Stage, latest.Id, request.Item!, reason, userId, clock.GetUtcNow(), ct);
        audit.Record(http, AuditActions.Create, ProjectWrites.AuditWaiver, ProjectWrites.Id(id), null, new
        {
            projectId,
            plannedFacilityId = planned.Id,
            stage = project.Stage,
            checkId = latest.Id,
            item = request.Item,
            reason,
            grantedBy = name,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome<long>.Done(id);
    }
}
