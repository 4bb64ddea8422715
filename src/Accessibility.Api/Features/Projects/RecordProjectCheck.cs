using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Projects;

/// <summary>
/// Use case: record the barrier-free check of one planned facility at design review or at acceptance, only while the project
/// is in that stage: its kind's checklist answered, judged by the inspection judge (<see cref="ProjectChecklist"/>); every
/// applicable item answered pass/fail or marked not applicable with a reason; a failure carries what to correct (the rule's
/// text, its clause, the checker's note). The checker is the signed-in user. A new check supersedes the facility's earlier
/// one of the stage. Audited.
/// </summary>
public sealed class RecordProjectCheck(RegistryDbContext db, ChecklistCatalog checklists, AuditLog audit, TimeProvider clock)
{
    /// <summary>Records <paramref name="request"/> on project <paramref name="projectId"/>; done with the check's id.</summary>
    public async Task<Outcome<long>> RunAsync(HttpContext http, long projectId, CheckRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var connection = await ProjectWrites.OpenAsync(db, ct);
        await using var tx = await EffectiveTime.BeginAsync(db, null, ct);
        var (project, refusal) = await ProjectWrites.LoadAsync(http, connection, projectId, Operations.Update, ct);
        if (project is null)
        {
            return Outcome<long>.Refused(refusal!);
        }

        var errors = new FieldErrors();
        if (request.Stage is not null && !ProjectStages.Checked.Contains(request.Stage, StringComparer.Ordinal))
        {
            errors.Add("stage", "Checks are recorded at design-review or acceptance.");
        }

        Text.Optional(errors, "note", request.Note, 4000);
        PlannedFacilityRow? planned = null;
        if (request.PlannedFacilityId is not { } plannedId)
        {
            errors.Add("plannedFacilityId", "The planned facility checked is required.");
        }
        else if ((planned = await ProjectSql.PlannedFacilityAsync(connection, projectId, plannedId, ct)) is null)
        {
            errors.Add("plannedFacilityId", "Project " + ProjectWrites.Id(projectId) + " plans no facility " + ProjectWrites.Id(plannedId) + ".");
        }

        if (request.Answers is null)
        {
            errors.Add("answers", "The checklist answers are required (an array).");
        }

        if (!errors.IsEmpty)
        {
            return Outcome<long>.Invalid(errors);
        }

        var stage = request.Stage ?? project.Stage;
        if (!ProjectStages.Checked.Contains(project.Stage, StringComparer.Ordinal) || stage != project.Stage)
        {
            return Outcome<long>.Conflict(null, ProjectWrites.WrongStage(project,
                $"A {stage} check is recorded while the project is in {stage}; it is in {project.Stage}."));
        }

        if (!checklists.TryGet(planned!.Kind, out var checklist))
        {
            throw new InvalidOperationException("No checklist for kind " + planned.Kind + "; the catalog check at start-up should have caught it.");
        }

        var items = ProjectChecklist.Judge(checklist, planned.Attributes, request.Answers!, errors);
        if (!errors.IsEmpty)
        {
            return Outcome<long>.Invalid(errors);
        }

        var (userId, name) = ProjectWrites.Actor(http);
        var result = ProjectChecklist.Result(items);
        var answers = JsonSerializer.SerializeToNode(request.Answers, ProjectChecklist.Json)!.AsArray();
        var itemsJson = ProjectChecklist.ToJson(items);
        var id = await ProjectSql.InsertCheckAsync(connection, projectId, planned.Id, stage, answers, itemsJson, result, Text.Clean(request.Note),
            userId, name, clock.GetUtcNow(), ct);
        audit.Record(http, AuditActions.Create, ProjectWrites.AuditCheck, ProjectWrites.Id(id), null, new JsonObject
        {
            ["projectId"] = projectId,
            ["plannedFacilityId"] = planned.Id,
            ["stage"] = stage,
            ["result"] = result,
            ["items"] = itemsJson.DeepClone(),
            ["checker"] = name,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome<long>.Done(id);
    }
}
