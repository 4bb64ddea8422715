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
/// Use case: accept a project (竣工验收) in stage acceptance. Refused (409 naming every open barrier-free failure) unless every
/// planned facility's latest acceptance check passes or its failing items are waived. On success, in one transaction: each
/// planned facility enters the registry as a facility linked to the project (source <c>construction-project</c>, external id
/// <c>project:{projectId}:{plannedId}</c>) with one inspection recorded from its latest acceptance check by the inspection
/// recorder (inspector: the checker; a failing waived item opens a defect like any failed inspection item), and the project
/// is accepted with <c>barrier_free_compliant</c> = every applicable item passed with no waiver. In effect now or from
/// <c>validFrom</c>. Audited.
/// </summary>
public sealed class AcceptProject(RegistryDbContext db, InspectionRecorder recorder, AuditLog audit, FacilityKindCatalog kinds, TimeProvider clock)
{
    /// <summary>The source of facilities entered by acceptance.</summary>
    public const string FacilitySource = "construction-project";

    /// <summary>Accepts project <paramref name="id"/>; done with its id.</summary>
    public async Task<Outcome<long>> RunAsync(HttpContext http, long id, AcceptRequest request, long? expectedVersion, CancellationToken ct)
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

        if (errors.IsEmpty && validFrom is not null && await EffectiveTime.CurrentSinceAsync(connection, "construction_projects", id, ct) is { } since)
        {
            EffectiveTime.CheckAgainst(validFrom, since, errors);
        }

        if (!errors.IsEmpty)
        {
            return Outcome<long>.Invalid(errors);
        }

        if (project.Stage != ProjectStages.Acceptance)
        {
            return Outcome<long>.Conflict(null, ProjectWrites.WrongStage(project, project.Stage == ProjectStages.Accepted
                ? "The project is accepted already."
                : "A project is accepted from stage acceptance, after construction; it is in " + project.Stage + "."));
        }

        var planned = await ProjectSql.PlannedFacilitiesAsync(connection, id, ct);
        var checks = await ProjectSql.ChecksAsync(connection, id, ct);
        var waivers = await ProjectSql.WaiversAsync(connection, id, ct);
        var open = ProjectBarriers.Open(planned, checks, waivers, ProjectStages.Acceptance);
        if (open.Count > 0)
        {
            return Outcome<long>.Conflict(ProjectBarriers.Errors(open), ProjectBarriers.Problem(open, "Open barrier-free failures",
                "The project cannot be accepted with an open barrier-free failure: correct each and record a passing check, or have an administrator waive it with a reason."));
        }

        var latest = ProjectBarriers.Latest(checks, ProjectStages.Acceptance);
        var now = clock.GetUtcNow();
        // Every open failure was refused above unless waived: a failing item left here is a waived one.
        var compliant = true;
        foreach (var p in planned)
        {
            var check = latest[p.Id];
            var items = ProjectChecklist.Read(check.Items);
            compliant &= items.All(i => i.Verdict != Verdicts.Fail);
            var located = await FacilitySql.LocateAsync(connection, p.Geometry, null, ct);
            if (kinds.RoadSegment is { } road && p.Kind == road.Code)
            {
                // The road itself: it enters the registry as a road segment. Roads have no inspections in this registry,
                // so its acceptance check stays its record of being checked, linked through project_facilities.
                await EnterRoadSegmentAsync(http, connection, id, p, located.CountyCode ?? project.DistrictCode, located.TownshipCode, check, now, ct);
                continue;
            }

            var facility = new Facility
            {
                Kind = p.Kind,
                Name = p.Name,
                Geometry = p.Geometry,
                Attributes = (JsonObject)p.Attributes.DeepClone(),
                Status = InspectionJudge.Operational,
                DistrictCode = located.CountyCode ?? project.DistrictCode,
                TownshipCode = located.TownshipCode,
                Source = FacilitySource,
                ExternalId = "project:" + ProjectWrites.Id(id) + ":" + ProjectWrites.Id(p.Id),
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Facilities.Add(facility);
            await db.SaveChangesAsync(ct);
            await ProjectSql.LinkFacilityAsync(connection, p.Id, facility.Id, ct);
            var feature = await FacilitySql.FeatureByIdAsync(connection, facility.Id, ct);
            var after = JsonNode.Parse(feature!.Json)!.AsObject();
            after["projectId"] = id;
            audit.Record(http, AuditActions.Create, FacilityEndpoints.AuditEntityType, ProjectWrites.Id(facility.Id), null, after);
            await db.SaveChangesAsync(ct);

            // Already inspected once: the acceptance check, as the checker recorded it, through the one recorder.
            var answers = items.Where(i => i.Verdict != CheckVerdicts.NotApplicable).Select(i => i.ToJudgedAnswer()).ToList();
            var draft = new InspectionDraft(Guid.NewGuid(), "project-check:" + ProjectWrites.Id(check.Id), facility, check.CheckedAt, answers,
                "Acceptance check " + ProjectWrites.Id(check.Id) + " of construction project " + ProjectWrites.Id(id) + (check.Note is null ? "" : ": " + check.Note),
                [], FacilitySource);
            await recorder.RecordAsync(draft, new Actor(check.CheckedBy, check.CheckerName), http, ct);
        }

        var (userId, _) = ProjectWrites.Actor(http);
        await ProjectSql.AcceptAsync(connection, id, compliant, validFrom ?? now, userId, now, ct);
        audit.Record(http, AuditActions.Update, ProjectWrites.AuditProject, ProjectWrites.Id(id), new { stage = project.Stage },
            new { stage = ProjectStages.Accepted, barrierFreeCompliant = compliant, acceptedAt = validFrom ?? now, facilities = planned.Count });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome<long>.Done(id);
    }

    /// <summary>
    /// Enters planned road segment <paramref name="p"/> as a registry road (same source and external id scheme as the
    /// facilities), with the attributes the project planned and the acceptance check's measured sidewalk width when it
    /// gives one; links and audits it.
    /// </summary>
    private async Task EnterRoadSegmentAsync(HttpContext http, Npgsql.NpgsqlConnection connection, long projectId, PlannedFacilityRow p,
        string county, string? township, CheckRow check, DateTimeOffset now, CancellationToken ct)
    {
        var attributes = (JsonObject)p.Attributes.DeepClone();
        string? Take(string name)
        {
            var value = attributes[name]?.ToString();
            attributes.Remove(name);
            return value;
        }

        bool TakeFlag(string name)
        {
            var value = attributes[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
            attributes.Remove(name);
            return value;
        }

        double? width = attributes["sidewalk_width_m"] is JsonValue w && w.TryGetValue<double>(out var planned) ? planned : null;
        attributes.Remove("sidewalk_width_m");
        var measured = ProjectChecklist.Read(check.Items).FirstOrDefault(i => i.Item == "sidewalk_width");
        if (measured is { CanonicalValue: { } asBuilt, CanonicalUnit: "m" })
        {
            width = asBuilt; // as built, not as designed
        }

        var segment = new Roads.RoadSegment
        {
            RoadClass = Take("road_class") ?? "branch",
            Name = p.Name,
            Geometry = (NetTopologySuite.Geometries.LineString)p.Geometry,
            SidewalkWidthM = width,
            CurbRampStart = TakeFlag("curb_ramp_start"),
            CurbRampEnd = TakeFlag("curb_ramp_end"),
            TactilePaving = Take("tactile_paving") ?? "none",
            Surface = Take("surface"),
            Attributes = attributes,
            Status = InspectionJudge.Operational,
            DistrictCode = county,
            TownshipCode = township,
            Source = FacilitySource,
            ExternalId = "project:" + ProjectWrites.Id(projectId) + ":" + ProjectWrites.Id(p.Id),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.RoadSegments.Add(segment);
        await db.SaveChangesAsync(ct);
        await ProjectSql.LinkRoadSegmentAsync(connection, p.Id, segment.Id, ct);
        var feature = await Roads.RoadSql.FeatureByIdAsync(connection, segment.Id, ct);
        var after = JsonNode.Parse(feature!.Json)!.AsObject();
        after["projectId"] = projectId;
        after["acceptanceCheckId"] = check.Id;
        audit.Record(http, AuditActions.Create, Roads.RoadEndpoints.AuditEntityType, ProjectWrites.Id(segment.Id), null, after);
        await db.SaveChangesAsync(ct);
    }
}
