using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Projects;

/// <summary>
/// Use case: move a project to its next stage, planning → design-review → construction → acceptance (acceptance itself is
/// <see cref="AcceptProject"/>). Leaving planning needs a planned facility; leaving design review needs every planned
/// facility's latest design-review check to pass, or its failing items to be waived (409 naming each open failure).
/// In effect now or from <c>validFrom</c> (a move entered late). Audited.
/// </summary>
public sealed class MoveProjectStage(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>Moves project <paramref name="id"/> to <c>request.Stage</c>; done with its id.</summary>
    public async Task<Outcome<long>> RunAsync(HttpContext http, long id, StageRequest request, long? expectedVersion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var connection = await ProjectWrites.OpenAsync(db, ct);
        var errors = new FieldErrors();
        var validFrom = EffectiveTime.Parse(request.ValidFrom, clock, errors);
        await using var tx = await EffectiveTime.BeginAsync(db, errors.IsEmpty ? validFrom : null, ct);
        var (project, refusal) = await ProjectWrites.LoadAsync(http, connection, id, Operations.Update, ct);
        if (project is null)
        {
            return Outcome<long>.Refused(refusal!);
        }

        if (ProjectWrites.CheckVersion(project, expectedVersion ?? request.Version) is not null)
        {
            return Outcome<long>.Stale(project.Version);
        }

        if (string.IsNullOrWhiteSpace(request.Stage))
        {
            errors.Add("stage", "The stage to move to is required: " + string.Join(", ", ProjectStages.Moves) + ".");
        }
        else if (request.Stage == ProjectStages.Accepted)
        {
            errors.Add("stage", "A project is accepted through POST /api/v1/projects/{id}/accept, which enters its facilities in the registry.");
        }
        else if (!ProjectStages.Moves.Contains(request.Stage, StringComparer.Ordinal))
        {
            errors.Add("stage", "Expected one of " + string.Join(", ", ProjectStages.Moves) + ".");
        }

        if (errors.IsEmpty && validFrom is not null && await EffectiveTime.CurrentSinceAsync(connection, "construction_projects", id, ct) is { } since)
        {
            EffectiveTime.CheckAgainst(validFrom, since, errors);
        }

        if (!errors.IsEmpty)
        {
            return Outcome<long>.Invalid(errors);
        }

        var target = request.Stage!;
        var from = Array.IndexOf([.. ProjectStages.Moves], project.Stage);
        if (from < 0 || Array.IndexOf([.. ProjectStages.Moves], target) != from + 1)
        {
            var next = from >= 0 && from + 1 < ProjectStages.Moves.Count ? ProjectStages.Moves[from + 1] : null;
            return Outcome<long>.Conflict(null, ProjectWrites.WrongStage(project, project.Stage == ProjectStages.Accepted
                ? "The project is accepted: its stages are over."
                : $"A project in {project.Stage} moves to {next ?? "acceptance through POST …/accept"}, not to {target}."));
        }

        var planned = await ProjectSql.PlannedFacilitiesAsync(connection, id, ct);
        if (project.Stage == ProjectStages.Planning && planned.Count == 0)
        {
            return Outcome<long>.Conflict(null, ProjectWrites.WrongStage(project, "Add the facilities the project will build before its design review."));
        }

        if (project.Stage == ProjectStages.DesignReview)
        {
            var open = ProjectBarriers.Open(planned, await ProjectSql.ChecksAsync(connection, id, ct), await ProjectSql.WaiversAsync(connection, id, ct), ProjectStages.DesignReview);
            if (open.Count > 0)
            {
                return Outcome<long>.Conflict(ProjectBarriers.Errors(open), ProjectBarriers.Problem(open, "Open barrier-free failures at design review",
                    "The design review has open barrier-free failures: each must pass a new check or be waived by an administrator before construction."));
            }
        }

        await ProjectSql.SetStageAsync(connection, id, target, clock.GetUtcNow(), ct);
        audit.Record(http, AuditActions.Update, ProjectWrites.AuditProject, ProjectWrites.Id(id), new { stage = project.Stage },
            validFrom is { } v ? new { stage = target, validFrom = v } : new { stage = target });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome<long>.Done(id);
    }
}
