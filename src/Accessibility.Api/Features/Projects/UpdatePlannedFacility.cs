using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Projects;

/// <summary>
/// Use case: replace a planned facility's kind, name, geometry and attributes, by the same rules as adding one. Its earlier
/// checks stay on record (a changed design is checked again). Not once accepted. Audited.
/// </summary>
public sealed class UpdatePlannedFacility(RegistryDbContext db, ProjectTypeCatalog types, FacilityKindCatalog kinds, AuditLog audit)
{
    /// <summary>Replaces planned facility <paramref name="plannedId"/> of project <paramref name="projectId"/>; done with its id.</summary>
    public async Task<Outcome<long>> RunAsync(HttpContext http, long projectId, long plannedId, PlannedFacilityRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
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

        var errors = new FieldErrors();
        if (await PlannedFacilityInput.ValidateAsync(connection, project, request, types, kinds, errors, ct) is not { } input)
        {
            return Outcome<long>.Invalid(errors);
        }

        await ProjectSql.UpdatePlannedAsync(connection, plannedId, input.Kind, input.Name, input.Geometry, input.Attributes, ct);
        audit.Record(http, AuditActions.Update, ProjectWrites.AuditPlanned, ProjectWrites.Id(plannedId),
            new { projectId, kind = before.Kind, name = before.Name, geometry = before.Geometry.AsText(), attributes = before.Attributes },
            new { projectId, kind = input.Kind, name = input.Name, geometry = input.Geometry.AsText(), attributes = input.Attributes });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome<long>.Done(plannedId);
    }
}
