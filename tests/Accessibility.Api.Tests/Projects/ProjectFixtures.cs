using Accessibility.Api.Infrastructure.History;
using Npgsql;

namespace Accessibility.Api.Tests.Projects;

/// <summary>
/// Construction projects written in SQL with their effective dates (the lifecycle itself is the projects API's), for the
/// indicator 新建项目无障碍设施建设率 and the public list.
/// </summary>
public static class ProjectFixtures
{
    /// <summary>China Standard Time.</summary>
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    /// <summary>10:00 China Standard Time on the day.</summary>
    public static DateTimeOffset Day(int y, int m, int d) => new(y, m, d, 10, 0, 0, Cst);

    /// <summary>Runs <paramref name="sql"/> in one transaction taking effect at <paramref name="validFrom"/> and returns its first value.</summary>
    public static async Task<long> WriteAsync(RegistryFixture registry, string sql, DateTimeOffset validFrom, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(registry);
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await EffectiveTime.ApplyAsync(connection, transaction, validFrom, CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value switch { null => DBNull.Value, DateTimeOffset d => d.ToUniversalTime(), _ => value });
        }

        var result = await command.ExecuteScalarAsync();
        await transaction.CommitAsync();
        return result is long id ? id : 0;
    }

    /// <summary>
    /// A project registered at <paramref name="registered"/> (its effective time; the acceptance when accepted) at
    /// (<paramref name="lon"/>, <paramref name="lat"/>); returns its id.
    /// </summary>
    public static Task<long> ProjectAsync(
        RegistryFixture registry, string name, string works, string district, string? township, string stage,
        DateTimeOffset? acceptedAt, bool? compliant, DateTimeOffset registered, double lon = 110.4470, double lat = 34.8670, string type = "building") =>
        WriteAsync(registry,
            """
            INSERT INTO construction_projects (name, builder, project_type, works, district_code, township_code, geometry, stage,
                                               barrier_free_compliant, accepted_at, accepted_by, registered_by, created_at, updated_at)
            VALUES (@name, '永济市城市建设投资有限公司', @type, @works, @district, @township,
                    ST_SetSRID(ST_MakePoint(@lon, @lat), 4490), @stage, @compliant, @accepted, NULL, NULL, @registered, @registered)
            RETURNING id
            """,
            acceptedAt ?? registered,
            ("name", name), ("type", type), ("works", works), ("district", district), ("township", township), ("lon", lon), ("lat", lat),
            ("stage", stage), ("compliant", compliant), ("accepted", acceptedAt), ("registered", registered));

    /// <summary>A planned facility of project <paramref name="project"/>; returns its id.</summary>
    public static Task<long> PlannedFacilityAsync(RegistryFixture registry, long project, string kind, string name, DateTimeOffset at) => WriteAsync(registry,
        """
        INSERT INTO project_facilities (project_id, kind, name, geometry, created_at)
        SELECT @project, @kind, @name, geometry, @at FROM construction_projects WHERE id = @project
        RETURNING id
        """,
        at, ("project", project), ("kind", kind), ("name", name), ("at", at));

    /// <summary>A check of planned facility <paramref name="facility"/> whose items have the verdicts given (item → verdict).</summary>
    public static Task<long> CheckAsync(
        RegistryFixture registry, long project, long facility, string stage, DateTimeOffset at, string checker, params (string Item, string Verdict)[] items) => WriteAsync(registry,
        """
        INSERT INTO project_checks (project_id, project_facility_id, stage, answers, items, result, checked_by, checker_name, checked_at)
        VALUES (@project, @facility, @stage, '[]'::jsonb, @items::jsonb, @result, NULL, @checker, @at)
        RETURNING id
        """,
        at, ("project", project), ("facility", facility), ("stage", stage),
        ("items", System.Text.Json.JsonSerializer.Serialize(items.Select(i => new { item = i.Item, verdict = i.Verdict }))),
        ("result", items.Any(i => i.Verdict == "fail") ? "fail" : "pass"), ("checker", checker), ("at", at));

    /// <summary>A waiver at acceptance of <paramref name="item"/> of planned facility <paramref name="facility"/>.</summary>
    public static Task<long> WaiverAsync(RegistryFixture registry, long project, long facility, string item, string reason, DateTimeOffset at) => WriteAsync(registry,
        """
        INSERT INTO project_waivers (project_id, project_facility_id, stage, item_code, reason, granted_by, granted_at)
        VALUES (@project, @facility, 'acceptance', @item, @reason, NULL, @at)
        RETURNING id
        """,
        at, ("project", project), ("facility", facility), ("item", item), ("reason", reason), ("at", at));
}
