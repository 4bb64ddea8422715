using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Infrastructure.Authorization;
using Npgsql;

namespace Accessibility.Api.Features.Projects;

/// <summary>A project as someone may see it, with its version.</summary>
/// <param name="Json">The view.</param>
/// <param name="Version">Version (ETag).</param>
/// <param name="Staff">Whether it is the staff view (documents, checker names, user ids).</param>
public sealed record ProjectView(JsonObject Json, long Version, bool Staff);

/// <summary>
/// Reads projects: the view of one (public: the project, its planned facilities, their latest checks, open failures and
/// waivers, without documents, names or user ids; staff of the district (read-personal): everything), its checks, its
/// documents. The API and the staff pages read through it.
/// </summary>
public sealed class ProjectReader(NpgsqlDataSource dataSource, ProjectTypeCatalog types)
{
    /// <summary>The view of project <paramref name="id"/> the caller may see; or the refusal (404, 410).</summary>
    public async Task<(ProjectView? View, IResult? Refusal)> ViewAsync(HttpContext http, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (project, refusal) = await ProjectWrites.LoadAsync(http, connection, id, Operations.Read, ct, forUpdate: false);
        if (project is null)
        {
            return (null, refusal);
        }

        var staff = await http.MayAsync(Operations.ReadPersonal, ProjectWrites.Resource(project.DistrictCode));
        return (new ProjectView(await BuildAsync(connection, project, staff, ct), project.Version, staff), null);
    }

    /// <summary>Project <paramref name="id"/> as the audit log keeps it (the staff view of its own fields).</summary>
    public async Task<JsonObject?> AuditJsonAsync(NpgsqlConnection connection, long id, CancellationToken ct) =>
        await ProjectSql.ProjectAsync(connection, id, false, ct) is { } project ? Fields(project, staff: true) : null;

    /// <summary>Every check of project <paramref name="id"/>, oldest first, with checker names (staff: read-personal).</summary>
    public async Task<(JsonArray? Checks, IResult? Refusal)> ChecksAsync(HttpContext http, long id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (project, refusal) = await ProjectWrites.LoadAsync(http, connection, id, Operations.ReadPersonal, ct, forUpdate: false);
        if (project is null)
        {
            return (null, refusal);
        }

        return ([.. (await ProjectSql.ChecksAsync(connection, id, ct)).Select(c => Check(c, staff: true, withAnswers: true))], null);
    }

    /// <summary>The documents of project <paramref name="id"/> (staff: read-personal).</summary>
    public async Task<(JsonArray? Documents, IResult? Refusal)> DocumentsAsync(HttpContext http, long id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (project, refusal) = await ProjectWrites.LoadAsync(http, connection, id, Operations.ReadPersonal, ct, forUpdate: false);
        if (project is null)
        {
            return (null, refusal);
        }

        return ([.. (await ProjectSql.DocumentsAsync(connection, id, ct)).Select(Document)], null);
    }

    /// <summary>Document <paramref name="documentId"/> of project <paramref name="id"/> with its content (staff: read-personal); 404 when there is none.</summary>
    public async Task<(DocumentRow? Document, byte[]? Content, IResult? Refusal)> DocumentAsync(HttpContext http, long id, Guid documentId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (project, refusal) = await ProjectWrites.LoadAsync(http, connection, id, Operations.ReadPersonal, ct, forUpdate: false);
        if (project is null)
        {
            return (null, null, refusal);
        }

        var document = (await ProjectSql.DocumentsAsync(connection, id, ct)).FirstOrDefault(d => d.Id == documentId);
        if (document is null || await ProjectSql.DocumentContentAsync(connection, id, documentId, ct) is not { } content)
        {
            return (null, null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: "Project " + ProjectWrites.Id(id) + " has no document " + documentId + "."));
        }

        return (document, content, null);
    }

    private async Task<JsonObject> BuildAsync(NpgsqlConnection connection, ProjectRow project, bool staff, CancellationToken ct)
    {
        var json = Fields(project, staff);
        var planned = await ProjectSql.PlannedFacilitiesAsync(connection, project.Id, ct);
        var checks = await ProjectSql.ChecksAsync(connection, project.Id, ct);
        var waivers = await ProjectSql.WaiversAsync(connection, project.Id, ct);
        var review = ProjectBarriers.Latest(checks, ProjectStages.DesignReview);
        var acceptance = ProjectBarriers.Latest(checks, ProjectStages.Acceptance);
        json["plannedFacilities"] = new JsonArray([.. planned.Select(p => (JsonNode)new JsonObject
        {
            ["id"] = p.Id,
            ["kind"] = p.Kind,
            ["name"] = p.Name,
            ["geometry"] = JsonNode.Parse(p.GeometryJson),
            ["attributes"] = p.Attributes.DeepClone(),
            ["facilityId"] = p.FacilityId,
            ["roadSegmentId"] = p.RoadSegmentId,
            ["designReview"] = review.TryGetValue(p.Id, out var r) ? Check(r, staff, withAnswers: false) : null,
            ["acceptance"] = acceptance.TryGetValue(p.Id, out var a) ? Check(a, staff, withAnswers: false) : null,
        })]);
        json["openFailures"] = ProjectStages.Checked.Contains(project.Stage, StringComparer.Ordinal)
            ? JsonSerializer.SerializeToNode(ProjectBarriers.Open(planned, checks, waivers, project.Stage), ProjectChecklist.Json)
            : new JsonArray();
        json["waivers"] = new JsonArray([.. waivers.Select(w =>
        {
            var o = new JsonObject
            {
                ["id"] = w.Id,
                ["plannedFacilityId"] = w.PlannedFacilityId,
                ["stage"] = w.Stage,
                ["checkId"] = w.CheckId,
                ["item"] = w.Item,
                ["reason"] = w.Reason,
                ["grantedAt"] = w.GrantedAt,
            };
            if (staff)
            {
                o["grantedBy"] = w.GrantedBy;
            }

            return (JsonNode)o;
        })]);
        if (staff)
        {
            json["documents"] = new JsonArray([.. (await ProjectSql.DocumentsAsync(connection, project.Id, ct)).Select(Document)]);
        }

        return json;
    }

    private JsonObject Fields(ProjectRow p, bool staff)
    {
        types.TryGet(p.ProjectType, out var type);
        var json = new JsonObject
        {
            ["id"] = p.Id,
            ["name"] = p.Name,
            ["builder"] = p.Builder,
            ["projectType"] = p.ProjectType,
            ["projectTypeNames"] = type is null ? null : JsonSerializer.SerializeToNode(type.Names, ProjectChecklist.Json),
            ["works"] = p.Works,
            ["districtCode"] = p.DistrictCode,
            ["townshipCode"] = p.TownshipCode,
            ["geometry"] = JsonNode.Parse(p.GeometryJson),
            ["stage"] = p.Stage,
            ["description"] = p.Description,
            ["plannedCompletion"] = p.PlannedCompletion?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["barrierFreeCompliant"] = p.BarrierFreeCompliant,
            ["acceptedAt"] = p.AcceptedAt,
            ["createdAt"] = p.CreatedAt,
            ["updatedAt"] = p.UpdatedAt,
            ["version"] = p.Version,
        };
        if (staff)
        {
            json["registeredBy"] = p.RegisteredBy;
            json["acceptedBy"] = p.AcceptedBy;
        }

        return json;
    }

    private static JsonObject Check(CheckRow c, bool staff, bool withAnswers)
    {
        var json = new JsonObject
        {
            ["id"] = c.Id,
            ["plannedFacilityId"] = c.PlannedFacilityId,
            ["stage"] = c.Stage,
            ["result"] = c.Result,
            ["checkedAt"] = c.CheckedAt,
            ["note"] = c.Note,
            ["items"] = c.Items.DeepClone(),
        };
        if (staff)
        {
            json["checkerName"] = c.CheckerName;
            json["checkedBy"] = c.CheckedBy;
        }

        if (withAnswers)
        {
            json["answers"] = c.Answers.DeepClone();
        }

        return json;
    }

    private static JsonNode Document(DocumentRow d) => new JsonObject
    {
        ["id"] = d.Id.ToString(),
        ["stage"] = d.Stage,
        ["title"] = d.Title,
        ["fileName"] = d.FileName,
        ["contentType"] = d.ContentType,
        ["bytes"] = d.Bytes,
        ["sha256"] = d.Sha256,
        ["uploadedBy"] = d.UploadedBy,
        ["uploadedAt"] = d.UploadedAt,
        ["url"] = "/api/v1/projects/" + ProjectWrites.Id(d.ProjectId) + "/documents/" + d.Id,
    };
}
