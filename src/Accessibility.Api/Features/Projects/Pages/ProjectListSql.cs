using System.Text;
using Accessibility.Api.Infrastructure.Authorization;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>The SQL of the staff project list (the rest of the feature's SQL is in <see cref="ProjectSql"/>).</summary>
public static class ProjectListSql
{
    /// <summary>Most projects a list shows.</summary>
    public const int Limit = 200;

    /// <summary>A project of the list, before its open failures are counted.</summary>
    /// <param name="Id">Id.</param>
    /// <param name="Name">Name.</param>
    /// <param name="ProjectType">Type code.</param>
    /// <param name="Works">new or alteration.</param>
    /// <param name="DistrictCode">County.</param>
    /// <param name="Stage">Stage.</param>
    /// <param name="Compliant">Compliant, once accepted.</param>
    /// <param name="Waivers">How many waivers it has.</param>
    public sealed record Listed(long Id, string Name, string ProjectType, string Works, string DistrictCode, string Stage, bool? Compliant, int Waivers);

    /// <summary>
    /// The projects inside <paramref name="scope"/> (not deleted), newest first, filtered by stage, type and district (its
    /// code or a code below it), with their waiver counts.
    /// </summary>
    public static async Task<IReadOnlyList<Listed>> ListAsync(
        NpgsqlConnection connection, ReadScope scope, string? stage, string? type, string? district, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var sql = new StringBuilder("""
            SELECT p.id, p.name, p.project_type, p.works, p.district_code, p.stage, p.barrier_free_compliant,
                   (SELECT count(*)::int FROM project_waivers w WHERE w.project_id = p.id)
            FROM construction_projects p
            WHERE p.deleted_at IS NULL
              AND (@stage::text IS NULL OR p.stage = @stage)
              AND (@type::text IS NULL OR p.project_type = @type)
              AND (@district::text IS NULL OR p.district_code = @district OR p.township_code = @district)
            """);
        await using var command = new NpgsqlCommand { Connection = connection };
        scope.AppendFilter(sql, command, "p.district_code");
        sql.Append(" ORDER BY p.created_at DESC, p.id DESC LIMIT @limit");
        command.CommandText = sql.ToString();
        command.Parameters.Add(new NpgsqlParameter("stage", NpgsqlDbType.Text) { Value = (object?)stage ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("type", NpgsqlDbType.Text) { Value = (object?)type ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", Limit);
        command.Parameters.Add(new NpgsqlParameter("district", NpgsqlDbType.Text) { Value = (object?)district ?? DBNull.Value });
        var rows = new List<Listed>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new Listed(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetBoolean(6), reader.GetInt32(7)));
        }

        return rows;
    }
}
