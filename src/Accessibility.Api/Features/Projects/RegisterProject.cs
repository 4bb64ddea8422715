using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Projects;

/// <summary>
/// Use case: register a construction project (新建、改建项目) in stage planning: name, builder, type, works, its footprint,
/// line or point placed in the district that contains it (the caller must be allowed to create there), audited.
/// <c>POST /api/v1/projects</c> and the staff pages both run it.
/// </summary>
public sealed class RegisterProject(RegistryDbContext db, ProjectTypeCatalog types, AuditLog audit, ProjectReader reader, TimeProvider clock)
{
    /// <summary>Registers the project <paramref name="request"/> describes; done with its id.</summary>
    public async Task<Outcome<long>> RunAsync(HttpContext http, ProjectRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var connection = await ProjectWrites.OpenAsync(db, ct);
        var errors = new FieldErrors();
        if (await ProjectInput.ValidateAsync(connection, request, types, errors, ct) is not { } fields)
        {
            return Outcome<long>.Invalid(errors);
        }

        if (await http.AuthorizeAsync(Operations.Create, ProjectWrites.Resource(fields.DistrictCode)) is { } refused)
        {
            return Outcome<long>.Refused(refused);
        }

        await using var tx = await EffectiveTime.BeginAsync(db, null, ct);
        var (userId, _) = ProjectWrites.Actor(http);
        var id = await ProjectSql.InsertProjectAsync(connection, fields, userId, clock.GetUtcNow(), ct);
        audit.Record(http, AuditActions.Create, ProjectWrites.AuditProject, ProjectWrites.Id(id), null, await reader.AuditJsonAsync(connection, id, ct));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome<long>.Done(id);
    }
}
