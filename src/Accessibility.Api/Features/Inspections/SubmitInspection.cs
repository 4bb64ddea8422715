using System.Globalization;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accessibility.Api.Features.Inspections;

/// <summary>A stored inspection: its id, and whether it was stored by an earlier submission with the same client id.</summary>
/// <param name="Id">Inspection id.</param>
/// <param name="Repeated">True when the same submission had been stored before (a retry).</param>
public sealed record StoredInspection(long Id, bool Repeated);

/// <summary>A submission checked and judged, not yet stored.</summary>
/// <param name="Facility">The inspected facility.</param>
/// <param name="Answers">The judged answers.</param>
/// <param name="InspectedAt">When it took place.</param>
public sealed record PreparedInspection(Facility Facility, IReadOnlyList<JudgedAnswer> Answers, DateTimeOffset InspectedAt);

/// <summary>
/// Records an inspection (idempotent on the client id): checks the facility, the caller's districts, the answers
/// (judged by <see cref="InspectionJudge"/> against the kind's checklist), the photos and the time, then stores it
/// through <see cref="InspectionRecorder"/>, which creates, verifies or reopens defects. The API and the staff
/// re-inspection page both call it.
/// </summary>
public sealed class SubmitInspection(RegistryDbContext db, ChecklistCatalog catalog, InspectionRecorder recorder, TimeProvider clock)
{
    /// <summary>Records <paramref name="request"/>; a repeated client id with the same content answers the stored inspection.</summary>
    public async Task<StepOutcome<StoredInspection>> RunAsync(HttpContext http, InspectionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        if (request.ClientId is not { } clientId || clientId == Guid.Empty)
        {
            return StepOutcome<StoredInspection>.Refused(JsonBody.Invalid(StatusCodes.Status422UnprocessableEntity, "clientId",
                "A client-generated UUID is required (crypto.randomUUID()), so that a retry is recognised."));
        }

        var fingerprint = InspectionEndpoints.Fingerprint(request);
        var connection = await WriteResults.OpenAsync(db, ct);
        if (await RepeatAsync(http, connection, clientId, fingerprint, ct) is { } repeat)
        {
            return repeat;
        }

        var prepared = await PrepareAsync(http, request, checkScope: true, ct);
        if (!prepared.Succeeded)
        {
            return StepOutcome<StoredInspection>.Refused(TypedResults.Problem(prepared.Problem!));
        }

        var (facility, answers, inspectedAt) = prepared.Value!;
        var actor = new Actor(UserPrincipal.UserId(http.User), http.User.Identity?.Name ?? "unknown");
        var draft = new InspectionDraft(clientId, fingerprint, facility, inspectedAt, answers, Text.Clean(request.Note), request.PhotoIds ?? [], "manual");
        var id = await recorder.RecordAsync(draft, actor, http, ct);
        if (id is null)
        {
            return await RepeatAsync(http, connection, clientId, fingerprint, ct)
                ?? throw new InvalidOperationException("Lost a client-id race but found no stored inspection.");
        }

        return StepOutcome<StoredInspection>.Applied(new StoredInspection(id.Value, false));
    }

    /// <summary>The answer to a submission whose client id is stored already: the stored inspection, 409, or 403; null when new.</summary>
    private static async Task<StepOutcome<StoredInspection>?> RepeatAsync(HttpContext http, NpgsqlConnection connection, Guid clientId, string fingerprint, CancellationToken ct)
    {
        if (await InspectionSql.ByClientIdAsync(connection, clientId, ct) is not { } existing)
        {
            return null;
        }

        if (await http.AuthorizeAsync(Operations.Create, RegistryResource.In(ResourceKinds.Inspection, existing.DistrictCode) with { GridCode = existing.GridCode }) is { } denied)
        {
            return StepOutcome<StoredInspection>.Refused(denied);
        }

        if (!string.Equals(existing.Fingerprint, fingerprint, StringComparison.Ordinal))
        {
            return StepOutcome<StoredInspection>.Refused(TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["clientId"] = ["Inspection " + Invariant(existing.Id) + " was stored with this client id and different content; use a new client id for a new inspection."],
            })
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Client id already used",
                Extensions = { ["inspectionId"] = existing.Id },
            }));
        }

        return StepOutcome<StoredInspection>.Applied(new StoredInspection(existing.Id, true));
    }

    /// <summary>Checks a submission: facility, scope, answers (judged), photos, time. Nothing is written.</summary>
    public async Task<StepOutcome<PreparedInspection>> PrepareAsync(HttpContext http, InspectionRequest request, bool checkScope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var connection = await WriteResults.OpenAsync(db, ct);
        var errors = new FieldErrors();
        var now = clock.GetUtcNow();
        var inspectedAt = request.InspectedAt ?? now;
        if (inspectedAt > now.AddMinutes(10))
        {
            errors.Add("inspectedAt", "An inspection cannot take place in the future (check the device clock).");
        }
        else if (inspectedAt < new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
        {
            errors.Add("inspectedAt", "Expected a date after 2000-01-01.");
        }

        Text.Optional(errors, "note", request.Note, 4000);
        if (request.Answers is null)
        {
            errors.Add("answers", "The checklist answers are required (an array).");
        }

        Facility? facility = null;
        if (request.FacilityId is not { } facilityId)
        {
            errors.Add("facilityId", "The inspected facility's id is required.");
        }
        else
        {
            facility = await db.Facilities.AsNoTracking().SingleOrDefaultAsync(f => f.Id == facilityId, ct);
            if (facility is null || facility.DeletedAt is not null)
            {
                errors.Add("facilityId", facility is null ? "No facility " + Invariant(facilityId) + "." : "Facility " + Invariant(facilityId) + " was deleted.");
                facility = null;
            }
            else if (checkScope && await http.AuthorizeAsync(Operations.Create, RegistryResource.In(ResourceKinds.Inspection, facility.DistrictCode) with { GridCode = facility.GridCode }) is { } denied)
            {
                return StepOutcome<PreparedInspection>.Refused(denied);
            }
        }

        IReadOnlyList<JudgedAnswer> judged = [];
        if (facility is not null && request.Answers is not null)
        {
            if (!catalog.TryGet(facility.Kind, out var checklist))
            {
                throw new InvalidOperationException("No checklist for kind " + facility.Kind + "; the catalog check at start-up should have caught it.");
            }

            judged = InspectionJudge.Judge(checklist, facility.Attributes, request.Answers, errors);
        }

        // Photos: every id must be a stored photo (once the photos table exists).
        var referenced = new List<(string Field, Guid Id)>();
        foreach (var (id, i) in (request.PhotoIds ?? []).Select((id, i) => (id, i)))
        {
            referenced.Add(("photoIds[" + Invariant(i) + "]", id));
        }

        foreach (var (answer, i) in (request.Answers ?? []).Select((a, i) => (a, i)))
        {
            foreach (var (id, j) in (answer?.PhotoIds ?? []).Select((id, j) => (id, j)))
            {
                referenced.Add(("answers[" + Invariant(i) + "].photoIds[" + Invariant(j) + "]", id));
            }
        }

        var missing = await InspectionSql.MissingPhotosAsync(connection, referenced.Select(r => r.Id).ToList(), ct);
        foreach (var (field, id) in referenced.Where(r => r.Id == Guid.Empty || missing.Contains(r.Id)))
        {
            errors.Add(field, "No stored photo " + id.ToString() + "; upload it first (POST /api/v1/photos).");
        }

        return errors.IsEmpty
            ? StepOutcome<PreparedInspection>.Applied(new PreparedInspection(facility!, judged, inspectedAt))
            : StepOutcome<PreparedInspection>.Refused(errors.ToResult());
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
