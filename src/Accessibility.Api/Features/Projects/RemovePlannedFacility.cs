using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Projects;

/// <summary>Use case: remove a planned facility (with its checks and waivers) from a project not yet accepted. Audited.</summary>
public sealed class RemovePlannedFacility(RegistryDbContext db, AuditLog audit)
{
    /// <summary>Removes planned facility <paramref name="plannedId"/> of project <paramref name="projectId"/>; done with its id.</summary>
    public async Task<Outcome<long>> RunAsync(HttpContext http, long projectId, long plannedId, CancellationToken ct)
    {
        var connection = await ProjectWrites.OpenAsync(db, ct);
        await using var tx = await EffectiveTime.BeginAsync(db, null, ct);
        var (project, refusal) = await ProjectWrites.LoadAsync(http, connection, projectId, Operations.Update, ct);
        if (project is null)
        {
            return Outcome<long>.Refused(refusal!);
        }

        if (await ProjectSql.PlannedFacilityAsync(connection, projectId, plannedId, ct) is not { } before)
        {
            return Outcome<long>.NotFound();
        }

        if (project.Stage == ProjectStages.Accepted)
        {
            return Outcome<long>.Conflict(null, ProjectWrites.WrongStage(project, "An accepted project's facilities are in the registry; change them there."));
        }

        await ProjectSql.DeletePlannedAsync(connection, plannedId, ct);
        audit.Record(http, AuditActions.Delete, ProjectWrites.AuditPlanned, ProjectWrites.Id(plannedId),
            new { projectId, kind = before.Kind, name = before.Name, geometry = before.Geometry.AsText(), attributes = before.Attributes }, null);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome<long>.Done(plannedId);
    }
}
