using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Projects;

/// <summary>
/// Use case: add a facility the project will build (a ramp, a toilet, tactile paving…): of a kind that applies to the project's
/// type, inside the project's district, attributes validated as a facility's. Not once accepted. Audited.
/// </summary>
public sealed class AddPlannedFacility(RegistryDbContext db, ProjectTypeCatalog types, FacilityKindCatalog kinds, AuditLog audit, TimeProvider clock)
{
    /// <summary>Adds <paramref name="request"/> to project <paramref name="projectId"/>; done with the planned facility's id.</summary>
    public async Task<Outcome<long>> RunAsync(HttpContext http, long projectId, PlannedFacilityRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var connection = await ProjectWrites.OpenAsync(db, ct);
        await using var tx = await EffectiveTime.BeginAsync(db, null, ct);
        var (project, refusal) = await ProjectWrites.LoadAsync(http, connection, projectId, Operations.Update, ct);
        if (project is null)
        {
            return Outcome<long>.Refused(refusal!);
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

        var id = await ProjectSql.InsertPlannedAsync(connection, projectId, input.Kind, input.Name, input.Geometry, input.Attributes, clock.GetUtcNow(), ct);
        audit.Record(http, AuditActions.Create, ProjectWrites.AuditPlanned, ProjectWrites.Id(id), null, new
        {
            projectId,
            kind = input.Kind,
            name = input.Name,
            geometry = input.Geometry.AsText(),
            attributes = input.Attributes,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome<long>.Done(id);
    }
}
