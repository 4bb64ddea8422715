using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Reports;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;

namespace Accessibility.Api.Features.Inspections;

/// <summary>Who records an inspection or changes a defect.</summary>
/// <param name="UserId">Account, null for generated data.</param>
/// <param name="Name">User name.</param>
public sealed record Actor(long? UserId, string Name);

/// <summary>An inspection ready to store: facility known, answers judged, photos checked.</summary>
/// <param name="ClientId">Client-generated id.</param>
/// <param name="Fingerprint">Fingerprint of the submission.</param>
/// <param name="Facility">The inspected facility.</param>
/// <param name="InspectedAt">When it took place.</param>
/// <param name="Answers">Judged answers.</param>
/// <param name="Note">Note.</param>
/// <param name="PhotoIds">Photos of the whole inspection.</param>
/// <param name="Source">manual or demo.</param>
public sealed record InspectionDraft(
    Guid ClientId, string Fingerprint, Facility Facility, DateTimeOffset InspectedAt, IReadOnlyList<JudgedAnswer> Answers,
    string? Note, IReadOnlyList<Guid> PhotoIds, string Source);

/// <summary>
/// Stores an inspection and its consequences in one transaction: the inspection; a defect for each failed
/// item (or, for an item that already has an unclosed defect, nothing new — a fixed one is reopened); the
/// unclosed defects of items that now pass verified; the facility's status from its unclosed defects
/// (any critical: unusable; any other: defective_usable; none: operational); audit entries when a request is given.
/// </summary>
public sealed class InspectionRecorder(RegistryDbContext db, ChecklistCatalog checklists, AuditLog audit, TimeProvider clock)
{
    /// <summary>Entity type of inspections in the audit log.</summary>
    public const string AuditInspection = "inspection";

    /// <summary>Entity type of defects in the audit log.</summary>
    public const string AuditDefect = "defect";

    private static readonly JsonSerializerOptions AnswerJson = new(JsonSerializerDefaults.Web);

    /// <summary>The answers as stored in <c>inspections.answers</c>.</summary>
    public static JsonArray ToJson(IReadOnlyList<JudgedAnswer> answers) =>
        JsonSerializer.SerializeToNode(answers, AnswerJson)!.AsArray();

    /// <summary>
    /// Records <paramref name="draft"/>; with <paramref name="http"/>, audit entries are written in the same
    /// transaction (the caller's, when one is open on the context: then the caller commits). Returns the new inspection's id, or null when another request stored the same client id first
    /// (the caller then answers from the stored one).
    /// </summary>
    public async Task<long?> RecordAsync(InspectionDraft draft, Actor actor, HttpContext? http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(actor);
        var facility = draft.Facility;
        var now = clock.GetUtcNow();
        var connection = await WriteResults.OpenAsync(db, ct);
        // Joins the caller's transaction when there is one: a project's acceptance enters its facilities and their first
        // inspections as one unit.
        var ambient = db.Database.CurrentTransaction is not null;
        await using var tx = ambient ? null : await db.Database.BeginTransactionAsync(ct);
        var inspection = new Inspection
        {
            ClientId = draft.ClientId,
            Fingerprint = draft.Fingerprint,
            FacilityId = facility.Id,
            DistrictCode = facility.DistrictCode,
            InspectorUserId = actor.UserId,
            InspectorName = actor.Name,
            InspectedAt = draft.InspectedAt,
            Result = InspectionJudge.Result(draft.Answers),
            FacilityStatus = facility.Status,
            Answers = ToJson(draft.Answers),
            Note = draft.Note,
            PhotoIds = [.. draft.PhotoIds],
            Source = draft.Source,
            CreatedAt = now,
        };
        db.Inspections.Add(inspection);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (!ambient && ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // A concurrent retry of the same submission won the race.
            await tx!.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return null;
        }

        var active = await db.Defects
            .Where(d => d.FacilityId == facility.Id && DefectStatuses.Active.Contains(d.Status))
            .ToListAsync(ct);
        var touched = new List<(Defect Defect, string? Before)>();
        Point? location = null;
        foreach (var answer in draft.Answers.Where(a => a.Verdict is Verdicts.Pass or Verdicts.Fail))
        {
            var existing = active.FirstOrDefault(d => string.Equals(d.Item, answer.Item, StringComparison.Ordinal));
            if (answer.Verdict == Verdicts.Fail)
            {
                if (existing is null)
                {
                    location ??= PointOf(facility.Geometry);
                    // Found when the inspection took place, even when the submission arrives later.
                    var defect = NewDefect(facility, answer.Item, answer.Severity, draft.InspectedAt, now, actor, Found(answer), inspection.Id, location);
                    db.Defects.Add(defect);
                    active.Add(defect);
                    touched.Add((defect, null));
                }
                else if (existing.Status == DefectStatuses.Fixed)
                {
                    touched.Add((existing, existing.Status));
                    existing.Events.Add(Event(actor, now, existing.Status, DefectStatuses.Open, "Re-inspection still fails: " + Found(answer), inspection.Id));
                    existing.Status = DefectStatuses.Open;
                    existing.DueAt = DueAt(draft.InspectedAt, existing.Severity);
                    existing.UpdatedAt = now;
                }
            }
            else if (existing is not null)
            {
                touched.Add((existing, existing.Status));
                existing.Events.Add(Event(actor, now, existing.Status, DefectStatuses.Verified, "Re-inspection passes.", inspection.Id));
                existing.Status = DefectStatuses.Verified;
                // Closed when the passing re-inspection took place (never before the defect was found).
                existing.ClosedAt = draft.InspectedAt > existing.CreatedAt ? draft.InspectedAt : existing.CreatedAt;
                existing.UpdatedAt = now;
                active.Remove(existing);
            }
        }

        var status = active.Any(d => d.Severity == "critical") ? InspectionJudge.Unusable
            : active.Count > 0 ? InspectionJudge.DefectiveUsable
            : InspectionJudge.Operational;
        inspection.FacilityStatus = status;
        await db.SaveChangesAsync(ct);

        // The one place defects become verified: public reports linked to them close with a note.
        var verified = touched.Where(t => t.Defect.Status == DefectStatuses.Verified).Select(t => t.Defect.Id).ToList();
        if (verified.Count > 0)
        {
            await ReportWorkflow.CloseForVerifiedDefectsAsync(db, verified, now, ct);
        }

        var statusBefore = facility.Status;
        // A facility under construction or removed keeps that status; the inspection still records what it found.
        if (statusBefore is InspectionJudge.Operational or InspectionJudge.DefectiveUsable or InspectionJudge.Unusable && statusBefore != status)
        {
            await InspectionSql.SetFacilityStatusAsync(connection, facility.Id, status, now, ct);
        }

        if (http is not null)
        {
            var stored = await InspectionSql.ByIdAsync(connection, inspection.Id, staffNames: true, ct); // the audit log keeps who inspected
            audit.Record(http, AuditActions.Create, AuditInspection, Id(inspection.Id), null, JsonNode.Parse(stored!.Value.Json)!.AsObject());
            foreach (var (defect, before) in touched)
            {
                audit.Record(http, before is null ? AuditActions.Create : AuditActions.Update, AuditDefect, Id(defect.Id),
                    before is null ? null : new { status = before },
                    new { status = defect.Status, facilityId = defect.FacilityId, item = defect.Item, severity = defect.Severity, dueAt = defect.DueAt, inspectionId = inspection.Id });
            }

            if (statusBefore != status && statusBefore is InspectionJudge.Operational or InspectionJudge.DefectiveUsable or InspectionJudge.Unusable)
            {
                audit.Record(http, AuditActions.Update, FacilityEndpoints.AuditEntityType, Id(facility.Id),
                    new { status = statusBefore }, new { status, inspectionId = inspection.Id });
            }

            await db.SaveChangesAsync(ct);
        }

        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }

        db.ChangeTracker.Clear();
        return inspection.Id;
    }

    private DateTimeOffset DueAt(DateTimeOffset found, string severity) => found.AddDays(checklists.DueDays[severity]);

    /// <summary>
    /// A new open defect of <paramref name="facility"/> with its first history entry: the one way defects are made,
    /// by a failed inspection item or by an accepted public report (<paramref name="inspectionId"/> null).
    /// Due after the checklist catalog's days for <paramref name="severity"/>.
    /// </summary>
    public Defect NewDefect(Facility facility, string item, string severity, DateTimeOffset foundAt, DateTimeOffset now, Actor actor, string? note, long? inspectionId, Point? location = null)
    {
        ArgumentNullException.ThrowIfNull(facility);
        var defect = new Defect
        {
            FacilityId = facility.Id,
            InspectionId = inspectionId,
            DistrictCode = facility.DistrictCode,
            Item = item,
            Severity = severity,
            Status = DefectStatuses.Open,
            DueAt = DueAt(foundAt, severity),
            ManagingUnit = facility.ManagingUnit,
            Location = location ?? PointOf(facility.Geometry),
            CreatedAt = foundAt,
            UpdatedAt = now,
        };
        defect.Events.Add(Event(actor, now, null, DefectStatuses.Open, note, inspectionId));
        return defect;
    }

    private static string Found(JudgedAnswer a) =>
        (a.Value is null ? "" : a.Value.ToJsonString() + (a.Unit is null ? "" : " " + a.Unit) + " — ")
        + (a.Threshold is null ? "" : "required " + a.Threshold.En) + (a.Clause is null ? "" : " (" + a.Clause + ")");

    internal static DefectEvent Event(Actor actor, DateTimeOffset at, string? from, string to, string? note, long? inspectionId, Guid[]? photos = null) => new()
    {
        At = at,
        ActorUserId = actor.UserId,
        Actor = actor.Name,
        FromStatus = from,
        ToStatus = to,
        Note = note,
        PhotoIds = photos ?? [],
        InspectionId = inspectionId,
    };

    private static Point PointOf(Geometry geometry)
    {
        var point = geometry as Point ?? geometry.InteriorPoint;
        var copy = (Point)point.Copy();
        copy.SRID = RegistryDbContext.Srid;
        return copy;
    }

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
