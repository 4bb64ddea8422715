using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Patrols;

/// <summary>A patrol (巡查) as submitted, by the API and the grid worker's page.</summary>
/// <param name="ClientId">Client-generated UUID, so that a retry (offline sync) is recognised.</param>
/// <param name="FacilityId">The patrolled facility.</param>
/// <param name="InUse">Is it still in use (在用)?</param>
/// <param name="Obstructed">Is it obstructed or occupied (被占用/遮挡)?</param>
/// <param name="Damaged">Is it damaged (损坏)?</param>
/// <param name="Note">Optional note, at most 4000 characters.</param>
/// <param name="PhotoIds">Photos uploaded first with <c>POST /api/v1/photos</c>.</param>
/// <param name="Location">Optional GeoJSON Point where the patroller stood (CGCS2000/WGS 84 longitude, latitude).</param>
/// <param name="PatrolledAt">When it took place (default: now); not in the future.</param>
public sealed record PatrolRequest(
    Guid? ClientId, long? FacilityId, bool? InUse, bool? Obstructed, bool? Damaged, string? Note, Guid[]? PhotoIds, JsonObject? Location,
    DateTimeOffset? PatrolledAt);

/// <summary>A stored patrol: its id, and whether an earlier submission with the same client id stored it.</summary>
/// <param name="Id">Patrol id.</param>
/// <param name="Repeated">True for a retry.</param>
public sealed record StoredPatrolOutcome(long Id, bool Repeated);

/// <summary>
/// Records a patrol, idempotent on its client id: the facility's grid and county become the patrol's, the caller must
/// patrol there (a grid worker only in its own grids); an answer of not in use, obstructed or damaged raises a defect through
/// <see cref="InspectionRecorder.NewDefect"/> (the one way defects are made) — unless an unclosed defect of the same item
/// already tracks it, which the patrol then names. Patrol, defect and audit entries are written in one transaction.
/// </summary>
public sealed class RecordPatrol(RegistryDbContext db, ChecklistCatalog checklists, InspectionRecorder recorder, AuditLog audit, TimeProvider clock)
{
    /// <summary>Entity type of patrols in the audit log.</summary>
    public const string AuditPatrol = "patrol";

    /// <summary>Records <paramref name="request"/>; a retry with the same content answers the stored patrol.</summary>
    public async Task<StepOutcome<StoredPatrolOutcome>> RunAsync(HttpContext http, PatrolRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        if (request.ClientId is not { } clientId || clientId == Guid.Empty)
        {
            return StepOutcome<StoredPatrolOutcome>.Refused(JsonBody.Invalid(StatusCodes.Status422UnprocessableEntity, "clientId",
                "A client-generated UUID is required (crypto.randomUUID()), so that a retry is recognised."));
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        if (await RepeatAsync(http, clientId, request, ct) is { } repeat)
        {
            return repeat;
        }

        var now = clock.GetUtcNow();
        var patrolledAt = (request.PatrolledAt ?? now).ToUniversalTime();
        if (patrolledAt > now.AddMinutes(10))
        {
            errors.Add("patrolledAt", "A patrol cannot take place in the future (check the device clock).");
        }
        else if (patrolledAt < new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
        {
            errors.Add("patrolledAt", "Expected a date after 2000-01-01.");
        }

        Required(errors, "inUse", request.InUse);
        Required(errors, "obstructed", request.Obstructed);
        Required(errors, "damaged", request.Damaged);
        Text.Optional(errors, "note", request.Note, 4000);
        var location = ReadLocation(request.Location, errors);
        var photos = request.PhotoIds ?? [];
        var missing = await PatrolSql.MissingPhotosAsync(connection, photos, ct);
        foreach (var (photo, i) in photos.Select((photo, i) => (photo, i)).Where(p => p.photo == Guid.Empty || missing.Contains(p.photo)))
        {
            errors.Add("photoIds[" + Invariant(i) + "]", "No stored photo " + photo.ToString() + "; upload it first (POST /api/v1/photos).");
        }

        Facility? facility = null;
        if (request.FacilityId is not { } facilityId)
        {
            errors.Add("facilityId", "The patrolled facility's id is required.");
        }
        else
        {
            facility = await db.Facilities.AsNoTracking().SingleOrDefaultAsync(f => f.Id == facilityId, ct);
            if (facility is null || facility.DeletedAt is not null)
            {
                errors.Add("facilityId", facility is null ? "No facility " + Invariant(facilityId) + "." : "Facility " + Invariant(facilityId) + " was deleted.");
                facility = null;
            }
            else if (await http.AuthorizeAsync(Operations.Create, Resource(facility.DistrictCode, facility.GridCode)) is { } denied)
            {
                // Who may patrol the facility is answered before what is wrong with the answers.
                return StepOutcome<StoredPatrolOutcome>.Refused(denied);
            }
        }

        if (!errors.IsEmpty)
        {
            return StepOutcome<StoredPatrolOutcome>.Refused(errors.ToResult());
        }

        var actor = new Actor(UserPrincipal.UserId(http.User), http.User.Identity?.Name ?? "unknown");
        var row = new PatrolRow(clientId, facility!.Id, facility.GridCode, facility.DistrictCode, patrolledAt, actor.UserId, actor.Name,
            request.InUse!.Value, request.Obstructed!.Value, request.Damaged!.Value, Text.Clean(request.Note), photos, location);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var id = await PatrolSql.InsertAsync(connection, row, ct);
        if (id is null)
        {
            // A concurrent retry of the same submission stored it first.
            await tx.RollbackAsync(ct);
            return await RepeatAsync(http, clientId, request, ct)
                ?? throw new InvalidOperationException("Lost a client-id race but found no stored patrol.");
        }

        var defect = await RaiseDefectAsync(facility, row, id.Value, actor, now, http, ct);
        if (defect is { } defectId)
        {
            await PatrolSql.SetDefectAsync(connection, id.Value, defectId, ct);
        }

        audit.Record(http, AuditActions.Create, AuditPatrol, Invariant(id.Value), null, new
        {
            clientId,
            facilityId = row.FacilityId,
            gridCode = row.GridCode,
            districtCode = row.DistrictCode,
            patrolledAt,
            inUse = row.InUse,
            obstructed = row.Obstructed,
            damaged = row.Damaged,
            note = row.Note,
            photoIds = photos,
            defectId = defect,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return StepOutcome<StoredPatrolOutcome>.Applied(new StoredPatrolOutcome(id.Value, false));
    }

    /// <summary>The rule-table resource of a patrol of a facility in <paramref name="district"/> and <paramref name="grid"/>.</summary>
    public static RegistryResource Resource(string district, string? grid) =>
        RegistryResource.In(ResourceKinds.Patrol, district) with { GridCode = grid };

    /// <summary>
    /// The defect item and severity a patrol's answers call for, or null when it found nothing: not in use before damaged
    /// before obstructed (one defect per patrol, the gravest finding); the kind's checklist item where it has one
    /// (a lift that is not working, a curb ramp or tactile paving obstructed, a parking space occupied), with its severity;
    /// else a patrol item — not in use or damaged major, obstructed minor.
    /// </summary>
    public static (string Item, string Severity)? DefectOf(string kind, bool inUse, bool obstructed, bool damaged, ChecklistCatalog checklists)
    {
        ArgumentNullException.ThrowIfNull(checklists);
        checklists.TryGet(kind, out var checklist);
        (string Item, string Severity) From(string fallback, string fallbackSeverity, params string[] items) =>
            items.Select(i => checklist?.Find(i)).FirstOrDefault(i => i is not null) is { } item ? (item.Code, item.Severity) : (fallback, fallbackSeverity);
        if (!inUse)
        {
            return From("patrol_not_in_use", "major", "working", "lift_working");
        }

        if (damaged)
        {
            return From("patrol_damaged", "major");
        }

        return obstructed ? From("patrol_obstructed", "minor", "obstructed", "clear_of_obstructions", "occupied_by_others") : null;
    }

    private async Task<long?> RaiseDefectAsync(
        Facility facility, PatrolRow row, long patrolId, Actor actor, DateTimeOffset now, HttpContext http, CancellationToken ct)
    {
        if (DefectOf(facility.Kind, row.InUse, row.Obstructed, row.Damaged, checklists) is not { } found)
        {
            return null;
        }

        // Two patrols of one facility at once would both find no unclosed defect: the second waits for the first.
        await WriteLocks.LockAsync(db, "facility-defect:" + Invariant(facility.Id) + ":" + found.Item, ct);
        var open = await db.Defects.SingleOrDefaultAsync(
            d => d.FacilityId == facility.Id && d.Item == found.Item && DefectStatuses.Active.Contains(d.Status), ct);
        if (open is not null)
        {
            return open.Id;
        }

        var findings = new List<string>();
        if (!row.InUse)
        {
            findings.Add("停用 / not in use");
        }

        if (row.Obstructed)
        {
            findings.Add("被占用或遮挡 / obstructed");
        }

        if (row.Damaged)
        {
            findings.Add("损坏 / damaged");
        }

        var note = "巡查 " + Invariant(patrolId) + " 发现 / Patrol " + Invariant(patrolId) + " found: " + string.Join("; ", findings)
            + (row.Note is null ? "" : " — " + row.Note);
        var defect = recorder.NewDefect(facility, found.Item, found.Severity, row.PatrolledAt, now, actor, note, null);
        db.Defects.Add(defect);
        await db.SaveChangesAsync(ct);
        audit.Record(http, AuditActions.Create, InspectionRecorder.AuditDefect, Invariant(defect.Id), null,
            new { status = defect.Status, facilityId = defect.FacilityId, item = found.Item, severity = found.Severity, dueAt = defect.DueAt, patrolId });
        return defect.Id;
    }

    /// <summary>The answer to a submission whose client id is stored already: the stored patrol, 409, or 403; null when new.</summary>
    private async Task<StepOutcome<StoredPatrolOutcome>?> RepeatAsync(HttpContext http, Guid clientId, PatrolRequest request, CancellationToken ct)
    {
        var connection = await WriteResults.OpenAsync(db, ct);
        if (await PatrolSql.ByClientIdAsync(connection, clientId, ct) is not { } stored)
        {
            return null;
        }

        if (await http.AuthorizeAsync(Operations.Create, Resource(stored.DistrictCode, stored.GridCode)) is { } denied)
        {
            return StepOutcome<StoredPatrolOutcome>.Refused(denied);
        }

        var same = stored.FacilityId == request.FacilityId && stored.InUse == request.InUse && stored.Obstructed == request.Obstructed
            && stored.Damaged == request.Damaged && string.Equals(stored.Note, Text.Clean(request.Note), StringComparison.Ordinal);
        if (!same)
        {
            return StepOutcome<StoredPatrolOutcome>.Refused(TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["clientId"] = ["Patrol " + Invariant(stored.Id) + " was stored with this client id and different answers; use a new client id for a new patrol."],
            })
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Client id already used",
                Extensions = { ["patrolId"] = stored.Id },
            }));
        }

        return StepOutcome<StoredPatrolOutcome>.Applied(new StoredPatrolOutcome(stored.Id, true));
    }

    private static void Required(FieldErrors errors, string field, bool? answer)
    {
        if (answer is null)
        {
            errors.Add(field, "Answer yes (true) or no (false).");
        }
    }

    private static Point? ReadLocation(JsonObject? location, FieldErrors errors)
    {
        if (location is null)
        {
            return null;
        }

        try
        {
            if (location["type"]?.GetValue<string>() == "Point" && location["coordinates"] is JsonArray { Count: 2 } c
                && c[0]?.GetValue<double>() is { } lon && c[1]?.GetValue<double>() is { } lat
                && double.IsFinite(lon) && double.IsFinite(lat) && lon is >= -180 and <= 180 && lat is >= -90 and <= 90)
            {
                return new Point(lon, lat) { SRID = RegistryDbContext.Srid };
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or JsonException)
        {
            // A value of the wrong type: answered below as any other malformed location.
        }

        errors.Add("location", "Expected a GeoJSON Point: {\"type\":\"Point\",\"coordinates\":[longitude, latitude]}.");
        return null;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
