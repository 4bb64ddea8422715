using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Projects;

/// <summary>
/// Use case: replace a project's name, builder, type, works, geometry, description and planned completion at the version the
/// caller read (If-Match or <c>version</c>; a stale one is 409 with the current version). Not once accepted. A new type must
/// still admit every planned facility's kind. <c>PUT /api/v1/projects/{id}</c> and the staff pages both run it.
/// </summary>
public sealed class UpdateProject(RegistryDbContext db, ProjectTypeCatalog types, AuditLog audit, ProjectReader reader, TimeProvider clock)
{
    /// <summary>Replaces project <paramref name="id"/> if it is still at <paramref name="expectedVersion"/> (else the request's version); done with its id, stale with the current version.</summary>
    public async Task<Outcome<long>> RunAsync(HttpContext http, long id, ProjectRequest request, long? expectedVersion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var connection = await ProjectWrites.OpenAsync(db, ct);
        await using var tx = await EffectiveTime.BeginAsync(db, null, ct);
        var (project, refusal) = await ProjectWrites.LoadAsync(http, connection, id, Operations.Update, ct);
        if (project is null)
        {
            return Outcome<long>.Refused(refusal!);
        }

        if ((expectedVersion ?? request.Version) is not { } expected)
        {
            return Outcome<long>.Refused(JsonBody.Invalid(StatusCodes.Status428PreconditionRequired, "version",
                "Send the version you read, as If-Match: \"<version>\" or as version in the body."));
        }

        if (expected != project.Version)
        {
            return Outcome<long>.Stale(project.Version);
        }

        if (project.Stage == ProjectStages.Accepted)
        {
            return Outcome<long>.Conflict(null, ProjectWrites.WrongStage(project, "An accepted project is not changed; its facilities are in the registry."));
        }

        var errors = new FieldErrors();
        if (await ProjectInput.ValidateAsync(connection, request, types, errors, ct) is not { } fields)
        {
            return Outcome<long>.Invalid(errors);
        }

        if (await http.AuthorizeAsync(Operations.Update, ProjectWrites.Resource(fields.DistrictCode)) is { } refused)
        {
            return Outcome<long>.Refused(refused);
        }

        types.TryGet(fields.ProjectType, out var type);
        var planned = await ProjectSql.PlannedFacilitiesAsync(connection, id, ct);
        foreach (var p in planned.Where(p => !type!.Applies(p.Kind)))
        {
            errors.Add("projectType", $"Planned facility {ProjectWrites.Id(p.Id)} ({p.Name}) is a {p.Kind}, which does not apply to a {fields.ProjectType} project: change or remove it first.");
        }

        if (fields.DistrictCode != project.DistrictCode && planned.Count > 0)
        {
            errors.Add("geometry", "The project would move to district " + fields.DistrictCode + "; its planned facilities lie in " + project.DistrictCode + ".");
        }

        if (!errors.IsEmpty)
        {
            return Outcome<long>.Invalid(errors);
        }

        var before = await reader.AuditJsonAsync(connection, id, ct);
        if (!await ProjectSql.UpdateProjectAsync(connection, id, expected, fields, clock.GetUtcNow(), ct))
        {
            return Outcome<long>.Stale(project.Version);
        }

        audit.Record(http, AuditActions.Update, ProjectWrites.AuditProject, ProjectWrites.Id(id), before, await reader.AuditJsonAsync(connection, id, ct));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome<long>.Done(id);
    }
}
