using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Http.HttpResults;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>A project type offered in a form.</summary>
/// <param name="Code">Type code.</param>
/// <param name="Name">Its name in the page's language.</param>
/// <param name="Kinds">The facility kinds a project of this type may build.</param>
public sealed record ProjectTypeChoice(string Code, string Name, IReadOnlyList<string> Kinds);

/// <summary>What a page learns from a use case: done (with an id), or the status and the errors by the API's field names.</summary>
/// <param name="Succeeded">Done.</param>
/// <param name="Id">The id made or changed.</param>
/// <param name="Status">HTTP status of a refusal (400 invalid, 403, 404, 409).</param>
/// <param name="Errors">Errors by field.</param>
/// <param name="Blockers">Open barrier-free failures that refused a stage move or an acceptance.</param>
public sealed record PageOutcome(bool Succeeded, long? Id, int Status, IReadOnlyDictionary<string, string[]> Errors, IReadOnlyList<Blocker> Blockers)
{
    /// <summary>Done with <paramref name="id"/>.</summary>
    public static PageOutcome Done(long id) => new(true, id, StatusCodes.Status200OK, new Dictionary<string, string[]>(), []);

    /// <summary>Refused with <paramref name="status"/> and <paramref name="errors"/>.</summary>
    public static PageOutcome Refused(int status, IReadOnlyDictionary<string, string[]>? errors = null, IReadOnlyList<Blocker>? blockers = null) =>
        new(false, null, status, errors ?? new Dictionary<string, string[]>(), blockers ?? []);
}

/// <summary>A project found, or why not (404, 403).</summary>
/// <param name="Project">The project.</param>
/// <param name="Status">The status when not found or not the caller's.</param>
public sealed record FoundProject(ProjectDetails? Project, int Status);

/// <summary>A document's file, or why not.</summary>
/// <param name="File">Its name and bytes.</param>
/// <param name="Status">The status when there is none.</param>
public sealed record DocumentDownload((string FileName, byte[] Content)? File, int Status);

/// <summary>
/// The construction project pages' one door to the project use cases of <c>Features/Projects</c> (the ones the API runs):
/// turns the page's typed input into their requests and their outcomes into what a page shows, and reads a project with
/// its facilities, checks, waivers and documents for the caller's districts.
/// </summary>
public sealed class ProjectPagesAdapter(
    RegistryDbContext db,
    ProjectTypeCatalog types,
    RegisterProject register,
    AddPlannedFacility addFacility,
    UpdatePlannedFacility updateFacility,
    RecordProjectCheck recordCheck,
    RecordProjectWaiver recordWaiver,
    MoveProjectStage moveStage,
    AcceptProject accept,
    UploadProjectDocument uploadDocument,
    ProjectReader reader)
{
    /// <summary>The largest document a page uploads.</summary>
    public const int MaxDocumentBytes = ProjectDocumentTypes.MaxBytes;

    /// <summary>The project types, named in the page's language.</summary>
    public IReadOnlyList<ProjectTypeChoice> Types =>
        [.. types.Types.Select(t => new ProjectTypeChoice(t.Code, ProjectPageModel.Label(t.Names), [.. t.Kinds.Select(k => k.Kind)]))];

    /// <summary>A verdict as the pages name it (<c>not_applicable</c> → <c>not-applicable</c>).</summary>
    public static string Verdict(string verdict) => (verdict ?? "").Replace('_', '-');

    /// <summary>The failed items among <paramref name="project"/>'s blockers.</summary>
    public static IReadOnlyList<Blocker> OpenFailures(ProjectDetails project) =>
        project is null ? [] : [.. project.Blockers.Where(b => b.Reason == "fail")];

    /// <summary>Project <paramref name="id"/> with everything its page shows, if the caller may read it.</summary>
    public async Task<FoundProject> GetAsync(HttpContext http, long id, CancellationToken ct)
    {
        var connection = await ProjectWrites.OpenAsync(db, ct);
        var row = await ProjectSql.ProjectAsync(connection, id, false, ct);
        if (row is null || row.DeletedAt is not null)
        {
            return new(null, StatusCodes.Status404NotFound);
        }

        if (!await http.MayAsync(Operations.ReadPersonal, ProjectWrites.Resource(row.DistrictCode)))
        {
            return new(null, StatusCodes.Status403Forbidden);
        }

        var planned = await ProjectSql.PlannedFacilitiesAsync(connection, id, ct);
        var checks = await ProjectSql.ChecksAsync(connection, id, ct);
        var waivers = await ProjectSql.WaiversAsync(connection, id, ct);
        var documents = await ProjectSql.DocumentsAsync(connection, id, ct);
        var next = Next(row.Stage);
        var blockers = new List<Blocker>();
        if (row.Stage == ProjectStages.Planning && planned.Count == 0)
        {
            blockers.Add(new Blocker("no-facilities", null, null, null));
        }
        else if (row.Stage is ProjectStages.DesignReview or ProjectStages.Acceptance)
        {
            blockers.AddRange(ProjectBarriers.Open(planned, checks, waivers, row.Stage).Select(ToBlocker));
        }

        return new(new ProjectDetails
        {
            Id = row.Id,
            Name = row.Name,
            Builder = row.Builder,
            ProjectType = row.ProjectType,
            Works = row.Works,
            DistrictCode = row.DistrictCode,
            TownshipCode = row.TownshipCode,
            Stage = row.Stage,
            Description = row.Description,
            PlannedCompletion = row.PlannedCompletion,
            Compliant = row.BarrierFreeCompliant,
            AcceptedAt = row.AcceptedAt,
            GeometryJson = row.GeometryJson,
            Position = PointOf(row.GeometryJson),
            Version = row.Version,
            Facilities = [.. planned.Select(p => new PlannedFacilityView(p.Id, p.Kind, p.Name, PointOf(p.Geometry), p.FacilityId, p.RoadSegmentId, p.Attributes,
                p.Geometry is LineString line ? [.. line.Coordinates.Select(c => (c.Y, c.X))] : null))],
            Checks = [.. checks.OrderByDescending(c => c.CheckedAt).ThenByDescending(c => c.Id).Select(c => new CheckView(
                c.Id, c.PlannedFacilityId, c.Stage, c.Result,
                [.. ProjectChecklist.Read(c.Items).Select(i => new JudgedItemView(i.Item, Text(i.Value), i.Unit, Verdict(i.Verdict), i.Reason, i.Clause,
                    i.Requirement is null ? null : ProjectPageModel.Label(i.Requirement)))],
                c.Note, c.CheckerName, c.CheckedAt))],
            Waivers = [.. waivers.Select(w => new WaiverView(w.Id, w.PlannedFacilityId, w.Stage, w.Item, w.Reason, w.GrantedAt))],
            Documents = [.. documents.Select(d => new DocumentView(d.Id, d.Stage, d.Title, d.FileName, d.Bytes, d.UploadedAt))],
            NextStage = next,
            Blockers = blockers,
        }, StatusCodes.Status200OK);
    }

    /// <summary>Registers a project.</summary>
    public async Task<PageOutcome> RegisterAsync(HttpContext http, ProjectFormInput input, JsonObject? geometry, DateOnly? plannedCompletion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var request = new ProjectRequest(input.Name, input.Builder, Blank(input.ProjectType), Blank(input.Works), geometry, "WGS84", null,
            Blank(input.Description), plannedCompletion);
        return From(await register.RunAsync(http, request, ct));
    }

    /// <summary>Adds a planned facility.</summary>
    public async Task<PageOutcome> AddFacilityAsync(
        HttpContext http, long projectId, PlannedFacilityInput input, JsonObject? geometry, JsonObject? attributes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        return From(await addFacility.RunAsync(http, projectId, new PlannedFacilityRequest(Blank(input.Kind), input.Name, geometry, "WGS84", attributes), ct));
    }

    /// <summary>Changes a planned facility.</summary>
    public async Task<PageOutcome> UpdateFacilityAsync(
        HttpContext http, long projectId, long facilityId, PlannedFacilityInput input, JsonObject? geometry, JsonObject? attributes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        return From(await updateFacility.RunAsync(http, projectId, facilityId,
            new PlannedFacilityRequest(Blank(input.Kind), input.Name, geometry, "WGS84", attributes), ct));
    }

    /// <summary>Records a check of a planned facility at <paramref name="stage"/>.</summary>
    public async Task<PageOutcome> RecordCheckAsync(HttpContext http, long projectId, long facilityId, string stage, IReadOnlyList<CheckAnswer> answers, string? note, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var request = new CheckRequest(facilityId, stage,
            [.. answers.Select(a => (CheckAnswerRequest?)new CheckAnswerRequest(a.Item, a.Value, a.Unit, null, a.NotApplicable ? true : null, a.Reason))], note);
        return From(await recordCheck.RunAsync(http, projectId, request, ct));
    }

    /// <summary>Records a waiver.</summary>
    public async Task<PageOutcome> RecordWaiverAsync(HttpContext http, long projectId, long facilityId, string item, string reason, CancellationToken ct) =>
        From(await recordWaiver.RunAsync(http, projectId, new WaiverRequest(facilityId, item, reason), ct));

    /// <summary>Moves <paramref name="project"/> to its next stage, or accepts it (the version read guards against a second click).</summary>
    public async Task<PageOutcome> AdvanceAsync(HttpContext http, ProjectDetails project, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(project);
        var outcome = project.NextStage == ProjectStages.Accepted
            ? await accept.RunAsync(http, project.Id, new AcceptRequest(), project.Version, ct)
            : await moveStage.RunAsync(http, project.Id, new StageRequest(project.NextStage), project.Version, ct);
        return From(outcome);
    }

    /// <summary>Uploads a document, kept with the project's current stage.</summary>
    public async Task<PageOutcome> UploadDocumentAsync(HttpContext http, long projectId, string title, string fileName, byte[] content, CancellationToken ct)
    {
        var outcome = await uploadDocument.RunAsync(http, projectId, new DocumentUpload(content, fileName, title, null), ct);
        return outcome.IsDone ? PageOutcome.Done(projectId) : From(outcome);
    }

    /// <summary>A document's file, if the caller may read the project's documents.</summary>
    public async Task<DocumentDownload> DownloadDocumentAsync(HttpContext http, long projectId, Guid documentId, CancellationToken ct)
    {
        var (document, content, refusal) = await reader.DocumentAsync(http, projectId, documentId, ct);
        return document is not null && content is not null
            ? new DocumentDownload((document.FileName, content), StatusCodes.Status200OK)
            : new DocumentDownload(null, StatusOf(refusal));
    }

    /// <summary>
    /// The projects of the caller's districts, filtered, each with its open failures at its current check stage (the
    /// use cases' own rule, <see cref="ProjectBarriers.Open"/>) and its waivers.
    /// </summary>
    public async Task<IReadOnlyList<ProjectListRow>> ListAsync(HttpContext http, string? stage, string? type, string? district, CancellationToken ct)
    {
        var connection = await ProjectWrites.OpenAsync(db, ct);
        var scope = ReadScope.For(http, ResourceKinds.ConstructionProject, Operations.ReadPersonal);
        var rows = new List<ProjectListRow>();
        foreach (var p in await ProjectListSql.ListAsync(connection, scope, stage, type, district, ct))
        {
            var open = 0;
            if (p.Stage is ProjectStages.DesignReview or ProjectStages.Acceptance)
            {
                var planned = await ProjectSql.PlannedFacilitiesAsync(connection, p.Id, ct);
                open = ProjectBarriers.Open(planned, await ProjectSql.ChecksAsync(connection, p.Id, ct), await ProjectSql.WaiversAsync(connection, p.Id, ct), p.Stage)
                    .Count(f => f.Item is not null);
            }

            rows.Add(new ProjectListRow(p.Id, p.Name, p.ProjectType, p.Works, p.DistrictCode, p.Stage, open, p.Waivers, p.Compliant));
        }

        return rows;
    }

    private static string? Next(string stage)
    {
        var i = ProjectStages.All.ToList().IndexOf(stage);
        return i >= 0 && i + 1 < ProjectStages.All.Count ? ProjectStages.All[i + 1] : null;
    }

    private static Blocker ToBlocker(OpenFailure f) =>
        f.Item is null ? new Blocker("unchecked", f.PlannedFacilityId, null, null) : new Blocker("fail", f.PlannedFacilityId, f.Item, null);

    /// <summary>A use case's outcome as a page's.</summary>
    private static PageOutcome From<T>(Outcome<T> outcome) => outcome.Kind switch
    {
        OutcomeKind.Done => PageOutcome.Done(outcome.Value is long id ? id : 0),
        OutcomeKind.Invalid => PageOutcome.Refused(StatusCodes.Status400BadRequest, outcome.Errors!.ToDictionary()),
        OutcomeKind.NotFound => PageOutcome.Refused(StatusCodes.Status404NotFound),
        OutcomeKind.Refused => PageOutcome.Refused(StatusOf(outcome.Refusal)),
        OutcomeKind.Stale => PageOutcome.Refused(StatusCodes.Status409Conflict, new Dictionary<string, string[]> { [""] = ["The project changed since you read it."] }),
        _ => Conflict(outcome),
    };

    /// <summary>A conflict: open failures become blockers (<c>plannedFacilities[12].slope</c>), other messages stay errors.</summary>
    private static PageOutcome Conflict<T>(Outcome<T> outcome)
    {
        var errors = outcome.Errors?.ToDictionary() ?? [];
        var blockers = new List<Blocker>();
        var rest = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (field, messages) in errors)
        {
            if (field.StartsWith("plannedFacilities[", StringComparison.Ordinal) && field.IndexOf(']', StringComparison.Ordinal) is > 18 and var end
                && long.TryParse(field.AsSpan(18, end - 18), NumberStyles.None, CultureInfo.InvariantCulture, out var plannedId))
            {
                var item = end + 2 <= field.Length ? field[(end + 2)..] : "";
                blockers.Add(item.Length == 0 ? new Blocker("unchecked", plannedId, null, null) : new Blocker("fail", plannedId, item, null));
            }
            else
            {
                rest[field] = messages;
            }
        }

        if (blockers.Count == 0 && rest.Count == 0 && outcome.Refusal is ProblemHttpResult problem && problem.ProblemDetails.Detail is { } detail)
        {
            rest[""] = [detail];
        }

        return PageOutcome.Refused(StatusCodes.Status409Conflict, rest, blockers);
    }

    private static int StatusOf(IResult? refusal) =>
        refusal is IStatusCodeHttpResult { StatusCode: { } status } ? status is 401 ? StatusCodes.Status403Forbidden : status is 410 ? StatusCodes.Status404NotFound : status : StatusCodes.Status403Forbidden;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string? Text(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    private static (double Lat, double Lon)? PointOf(Geometry geometry) =>
        geometry is null || geometry.IsEmpty ? null : geometry is Point p ? (p.Y, p.X) : (geometry.InteriorPoint.Y, geometry.InteriorPoint.X);

    /// <summary>The first position of a GeoJSON geometry (its point, or a corner of its footprint), as latitude and longitude.</summary>
    private static (double Lat, double Lon)? PointOf(string geoJson)
    {
        var node = JsonNode.Parse(geoJson)?["coordinates"];
        while (node is JsonArray { Count: > 0 } array && array[0] is JsonArray)
        {
            node = array[0];
        }

        return node is JsonArray { Count: >= 2 } xy && xy[0] is JsonValue x && xy[1] is JsonValue y
            ? (y.GetValue<double>(), x.GetValue<double>())
            : null;
    }
}
