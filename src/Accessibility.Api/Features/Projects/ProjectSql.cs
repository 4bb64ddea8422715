using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Projects;

/// <summary>A construction project as stored.</summary>
public sealed record ProjectRow(
    long Id, string Name, string Builder, string ProjectType, string Works, string DistrictCode, string? TownshipCode,
    string GeometryJson, string Stage, string? Description, DateOnly? PlannedCompletion, bool? BarrierFreeCompliant,
    DateTimeOffset? AcceptedAt, long? AcceptedBy, long? RegisteredBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? DeletedAt, long Version);

/// <summary>A planned facility as stored.</summary>
public sealed record PlannedFacilityRow(
    long Id, long ProjectId, string Kind, string Name, Geometry Geometry, string GeometryJson, JsonObject Attributes,
    long? FacilityId, long? RoadSegmentId, DateTimeOffset CreatedAt);

/// <summary>A check as stored.</summary>
public sealed record CheckRow(
    long Id, long ProjectId, long PlannedFacilityId, string Stage, JsonArray Answers, JsonArray Items, string Result, string? Note,
    long? CheckedBy, string CheckerName, DateTimeOffset CheckedAt);

/// <summary>A waiver as stored.</summary>
public sealed record WaiverRow(
    long Id, long ProjectId, long PlannedFacilityId, string Stage, long? CheckId, string Item, string Reason, long? GrantedBy, DateTimeOffset GrantedAt);

/// <summary>A document's description (its content read apart).</summary>
public sealed record DocumentRow(
    Guid Id, long ProjectId, string Stage, string Title, string FileName, string ContentType, int Bytes, string Sha256, long? UploadedBy, DateTimeOffset UploadedAt);

/// <summary>
/// The SQL of construction projects (tables of migration 20261207091617_ConstructionAndGrids, waiver stage of
/// 20261207101000_ProjectWaiverStage). Every statement runs on the caller's connection, so in its transaction.
/// </summary>
public static class ProjectSql
{
    private const string ProjectColumns = """
        p.id, p.name, p.builder, p.project_type, p.works, p.district_code, p.township_code, ST_AsGeoJSON(registry_output_geometry(p.geometry, 7), 7),
        p.stage, p.description, p.planned_completion, p.barrier_free_compliant, p.accepted_at, p.accepted_by, p.registered_by,
        p.created_at, p.updated_at, p.deleted_at, p.xmin::text::bigint
        """;

    /// <summary>Project <paramref name="id"/>, or null; <paramref name="forUpdate"/> locks the row for the transaction (stage changes are serialised on it).</summary>
    public static async Task<ProjectRow?> ProjectAsync(NpgsqlConnection connection, long id, bool forUpdate, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT " + ProjectColumns + " FROM construction_projects p WHERE p.id = @id" + (forUpdate ? " FOR UPDATE" : ""), connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new ProjectRow(
            reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetFieldValue<DateOnly>(10), reader.IsDBNull(11) ? null : reader.GetBoolean(11),
            reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12), reader.IsDBNull(13) ? null : reader.GetInt64(13),
            reader.IsDBNull(14) ? null : reader.GetInt64(14), reader.GetFieldValue<DateTimeOffset>(15), reader.GetFieldValue<DateTimeOffset>(16),
            reader.IsDBNull(17) ? null : reader.GetFieldValue<DateTimeOffset>(17), reader.GetInt64(18));
    }

    /// <summary>The fields a registration or replacement writes.</summary>
    public sealed record ProjectFields(
        string Name, string Builder, string ProjectType, string Works, string DistrictCode, string? TownshipCode, Geometry Geometry,
        string? Description, DateOnly? PlannedCompletion);

    /// <summary>Inserts a project in stage planning; its id.</summary>
    public static async Task<long> InsertProjectAsync(NpgsqlConnection connection, ProjectFields f, long? registeredBy, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO construction_projects (name, builder, project_type, works, district_code, township_code, geometry, stage,
                                               description, planned_completion, registered_by, created_at, updated_at)
            VALUES (@name, @builder, @type, @works, @district, @township, @geometry, 'planning', @description, @completion, @by, @now, @now)
            RETURNING id
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        AddFields(command, f);
        command.Parameters.Add(new NpgsqlParameter("by", NpgsqlDbType.Bigint) { Value = (object?)registeredBy ?? DBNull.Value });
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Replaces a project's fields if it is still at <paramref name="expectedVersion"/>; false when it changed since.</summary>
    public static async Task<bool> UpdateProjectAsync(NpgsqlConnection connection, long id, long expectedVersion, ProjectFields f, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            UPDATE construction_projects SET name = @name, builder = @builder, project_type = @type, works = @works,
              district_code = @district, township_code = @township, geometry = @geometry, description = @description,
              planned_completion = @completion, updated_at = @now
            WHERE id = @id AND xmin::text::bigint = @version
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        AddFields(command, f);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("version", expectedVersion);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    private static void AddFields(NpgsqlCommand command, ProjectFields f)
    {
        command.Parameters.AddWithValue("name", f.Name);
        command.Parameters.AddWithValue("builder", f.Builder);
        command.Parameters.AddWithValue("type", f.ProjectType);
        command.Parameters.AddWithValue("works", f.Works);
        command.Parameters.AddWithValue("district", f.DistrictCode);
        command.Parameters.Add(new NpgsqlParameter("township", NpgsqlDbType.Varchar) { Value = (object?)f.TownshipCode ?? DBNull.Value });
        command.Parameters.AddWithValue("geometry", f.Geometry);
        command.Parameters.Add(new NpgsqlParameter("description", NpgsqlDbType.Varchar) { Value = (object?)f.Description ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("completion", NpgsqlDbType.Date) { Value = (object?)f.PlannedCompletion ?? DBNull.Value });
    }

    /// <summary>Moves project <paramref name="id"/> to <paramref name="stage"/> (not accepted: see <see cref="AcceptAsync"/>).</summary>
    public static async Task SetStageAsync(NpgsqlConnection connection, long id, string stage, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("UPDATE construction_projects SET stage = @stage, updated_at = @now WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("stage", stage);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Marks project <paramref name="id"/> accepted, with whether every applicable item passed without a waiver.</summary>
    public static async Task AcceptAsync(NpgsqlConnection connection, long id, bool compliant, DateTimeOffset acceptedAt, long? acceptedBy, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            UPDATE construction_projects SET stage = 'accepted', barrier_free_compliant = @compliant, accepted_at = @at,
              accepted_by = @by, updated_at = @now
            WHERE id = @id
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("compliant", compliant);
        command.Parameters.AddWithValue("at", acceptedAt.ToUniversalTime());
        command.Parameters.Add(new NpgsqlParameter("by", NpgsqlDbType.Bigint) { Value = (object?)acceptedBy ?? DBNull.Value });
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        await command.ExecuteNonQueryAsync(ct);
    }

    private const string PlannedColumns = "f.id, f.project_id, f.kind, f.name, f.geometry, ST_AsGeoJSON(registry_output_geometry(f.geometry, 7), 7), f.attributes::text, f.facility_id, f.road_segment_id, f.created_at";

    /// <summary>The planned facilities of project <paramref name="projectId"/>, in the order they were added.</summary>
    public static async Task<IReadOnlyList<PlannedFacilityRow>> PlannedFacilitiesAsync(NpgsqlConnection connection, long projectId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT " + PlannedColumns + " FROM project_facilities f WHERE f.project_id = @project ORDER BY f.id", connection);
        command.Parameters.AddWithValue("project", projectId);
        return await ReadPlannedAsync(command, ct);
    }

    /// <summary>Planned facility <paramref name="id"/> of project <paramref name="projectId"/>, or null.</summary>
    public static async Task<PlannedFacilityRow?> PlannedFacilityAsync(NpgsqlConnection connection, long projectId, long id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT " + PlannedColumns + " FROM project_facilities f WHERE f.project_id = @project AND f.id = @id", connection);
        command.Parameters.AddWithValue("project", projectId);
        command.Parameters.AddWithValue("id", id);
        return (await ReadPlannedAsync(command, ct)).FirstOrDefault();
    }

    private static async Task<IReadOnlyList<PlannedFacilityRow>> ReadPlannedAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var rows = new List<PlannedFacilityRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new PlannedFacilityRow(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<Geometry>(4), reader.GetString(5),
                JsonNode.Parse(reader.GetString(6))!.AsObject(), reader.IsDBNull(7) ? null : reader.GetInt64(7),
                reader.IsDBNull(8) ? null : reader.GetInt64(8), reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return rows;
    }

    /// <summary>Adds a planned facility; its id.</summary>
    public static async Task<long> InsertPlannedAsync(NpgsqlConnection connection, long projectId, string kind, string name, Geometry geometry, JsonObject attributes, DateTimeOffset now, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO project_facilities (project_id, kind, name, geometry, attributes, created_at)
            VALUES (@project, @kind, @name, @geometry, @attributes::jsonb, @now) RETURNING id
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("project", projectId);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("geometry", geometry);
        command.Parameters.AddWithValue("attributes", attributes.ToJsonString());
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Replaces a planned facility's kind, name, geometry and attributes.</summary>
    public static async Task UpdatePlannedAsync(NpgsqlConnection connection, long id, string kind, string name, Geometry geometry, JsonObject attributes, CancellationToken ct)
    {
        const string sql = "UPDATE project_facilities SET kind = @kind, name = @name, geometry = @geometry, attributes = @attributes::jsonb WHERE id = @id";
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("geometry", geometry);
        command.Parameters.AddWithValue("attributes", attributes.ToJsonString());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Removes a planned facility (its checks and waivers go with it).</summary>
    public static async Task DeletePlannedAsync(NpgsqlConnection connection, long id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("DELETE FROM project_facilities WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Links a planned facility to the registry facility its acceptance created.</summary>
    public static async Task LinkFacilityAsync(NpgsqlConnection connection, long plannedId, long facilityId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("UPDATE project_facilities SET facility_id = @facility WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", plannedId);
        command.Parameters.AddWithValue("facility", facilityId);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Links planned road segment <paramref name="plannedId"/> to the registry road its acceptance entered.</summary>
    public static async Task LinkRoadSegmentAsync(NpgsqlConnection connection, long plannedId, long roadSegmentId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("UPDATE project_facilities SET road_segment_id = @road WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", plannedId);
        command.Parameters.AddWithValue("road", roadSegmentId);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Stores a judged check; its id.</summary>
    public static async Task<long> InsertCheckAsync(
        NpgsqlConnection connection, long projectId, long plannedId, string stage, JsonArray answers, JsonArray items, string result, string? note,
        long? checkedBy, string checkerName, DateTimeOffset at, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO project_checks (project_id, project_facility_id, stage, answers, items, result, note, checked_by, checker_name, checked_at)
            VALUES (@project, @planned, @stage, @answers::jsonb, @items::jsonb, @result, @note, @by, @checker, @at) RETURNING id
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("project", projectId);
        command.Parameters.AddWithValue("planned", plannedId);
        command.Parameters.AddWithValue("stage", stage);
        command.Parameters.AddWithValue("answers", answers.ToJsonString());
        command.Parameters.AddWithValue("items", items.ToJsonString());
        command.Parameters.AddWithValue("result", result);
        command.Parameters.Add(new NpgsqlParameter("note", NpgsqlDbType.Varchar) { Value = (object?)note ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("by", NpgsqlDbType.Bigint) { Value = (object?)checkedBy ?? DBNull.Value });
        command.Parameters.AddWithValue("checker", checkerName);
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private const string CheckColumns = "c.id, c.project_id, c.project_facility_id, c.stage, c.answers::text, c.items::text, c.result, c.note, c.checked_by, c.checker_name, c.checked_at";

    /// <summary>Every check of project <paramref name="projectId"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<CheckRow>> ChecksAsync(NpgsqlConnection connection, long projectId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT " + CheckColumns + " FROM project_checks c WHERE c.project_id = @project ORDER BY c.checked_at, c.id", connection);
        command.Parameters.AddWithValue("project", projectId);
        var rows = new List<CheckRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new CheckRow(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3),
                JsonNode.Parse(reader.GetString(4))!.AsArray(), JsonNode.Parse(reader.GetString(5))!.AsArray(), reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetInt64(8), reader.GetString(9),
                reader.GetFieldValue<DateTimeOffset>(10)));
        }

        return rows;
    }

    /// <summary>Stores a waiver; its id.</summary>
    public static async Task<long> InsertWaiverAsync(
        NpgsqlConnection connection, long projectId, long plannedId, string stage, long checkId, string item, string reason, long? grantedBy, DateTimeOffset at, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO project_waivers (project_id, project_facility_id, stage, project_check_id, item_code, reason, granted_by, granted_at)
            VALUES (@project, @planned, @stage, @check, @item, @reason, @by, @at) RETURNING id
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("project", projectId);
        command.Parameters.AddWithValue("planned", plannedId);
        command.Parameters.AddWithValue("stage", stage);
        command.Parameters.AddWithValue("check", checkId);
        command.Parameters.AddWithValue("item", item);
        command.Parameters.AddWithValue("reason", reason);
        command.Parameters.Add(new NpgsqlParameter("by", NpgsqlDbType.Bigint) { Value = (object?)grantedBy ?? DBNull.Value });
        command.Parameters.AddWithValue("at", at.ToUniversalTime());
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Every waiver of project <paramref name="projectId"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<WaiverRow>> WaiversAsync(NpgsqlConnection connection, long projectId, CancellationToken ct)
    {
        const string sql = """
            SELECT w.id, w.project_id, w.project_facility_id, w.stage, w.project_check_id, w.item_code, w.reason, w.granted_by, w.granted_at
            FROM project_waivers w WHERE w.project_id = @project ORDER BY w.granted_at, w.id
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("project", projectId);
        var rows = new List<WaiverRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new WaiverRow(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetInt64(4),
                reader.GetString(5), reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return rows;
    }

    /// <summary>Stores a document.</summary>
    public static async Task InsertDocumentAsync(NpgsqlConnection connection, DocumentRow d, byte[] content, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO project_documents (id, project_id, stage, title, file_name, content_type, bytes, sha256, content, uploaded_by, uploaded_at)
            VALUES (@id, @project, @stage, @title, @file, @type, @bytes, @sha, @content, @by, @at)
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", d.Id);
        command.Parameters.AddWithValue("project", d.ProjectId);
        command.Parameters.AddWithValue("stage", d.Stage);
        command.Parameters.AddWithValue("title", d.Title);
        command.Parameters.AddWithValue("file", d.FileName);
        command.Parameters.AddWithValue("type", d.ContentType);
        command.Parameters.AddWithValue("bytes", d.Bytes);
        command.Parameters.AddWithValue("sha", d.Sha256);
        command.Parameters.AddWithValue("content", content);
        command.Parameters.Add(new NpgsqlParameter("by", NpgsqlDbType.Bigint) { Value = (object?)d.UploadedBy ?? DBNull.Value });
        command.Parameters.AddWithValue("at", d.UploadedAt.ToUniversalTime());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The documents of project <paramref name="projectId"/> (without their content), oldest first.</summary>
    public static async Task<IReadOnlyList<DocumentRow>> DocumentsAsync(NpgsqlConnection connection, long projectId, CancellationToken ct)
    {
        const string sql = """
            SELECT d.id, d.project_id, d.stage, d.title, d.file_name, d.content_type, d.bytes, d.sha256, d.uploaded_by, d.uploaded_at
            FROM project_documents d WHERE d.project_id = @project ORDER BY d.uploaded_at, d.id
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("project", projectId);
        var rows = new List<DocumentRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new DocumentRow(
                reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetInt32(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetInt64(8), reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return rows;
    }

    /// <summary>The content of document <paramref name="id"/> of project <paramref name="projectId"/>, or null.</summary>
    public static async Task<byte[]?> DocumentContentAsync(NpgsqlConnection connection, long projectId, Guid id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT content FROM project_documents WHERE project_id = @project AND id = @id", connection);
        command.Parameters.AddWithValue("project", projectId);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(ct) as byte[];
    }
}
