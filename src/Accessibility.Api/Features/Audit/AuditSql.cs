using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Audit;

/// <summary>SQL of the audit log reader; the answer is built in PostgreSQL (<c>json_build_object</c>, <c>json_agg</c>).</summary>
public static class AuditSql
{
    /// <summary>
    /// A page of audit entries (JSON, and how many match in all), oldest first, optionally for one entity type and id. When
    /// <paramref name="districtPrefixes"/> is given (a scoped caller), only entries whose record
    /// lay in one of those districts before or after the change are included: the district is
    /// read from the Feature stored in <c>before</c>/<c>after</c> (<c>properties.districtCode</c>).
    /// </summary>
    public static async Task<(string Json, long Matched)> ListAsync(
        NpgsqlConnection connection, string? entityType, string? entityId, IReadOnlyList<string>? districtPrefixes, int limit, int offset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            WITH filtered AS (
              SELECT a.* FROM audit_entries a
              WHERE (@entity_type IS NULL OR a.entity_type = @entity_type)
                AND (@entity_id IS NULL OR a.entity_id = @entity_id)
                AND (@prefixes IS NULL
                     OR a.after #>> '{properties,districtCode}' LIKE ANY (@prefixes)
                     OR a.before #>> '{properties,districtCode}' LIKE ANY (@prefixes))),
            page AS (SELECT * FROM filtered ORDER BY id LIMIT @limit OFFSET @offset)
            SELECT json_build_object(
              'numberMatched', (SELECT count(*) FROM filtered),
              'limit', @limit,
              'offset', @offset,
              'entries', COALESCE((SELECT json_agg(json_build_object(
                  'id', p.id, 'at', p.at, 'userId', p.user_id, 'actor', p.actor, 'action', p.action,
                  'entityType', p.entity_type, 'entityId', p.entity_id, 'before', p.before, 'after', p.after,
                  'remoteAddress', p.remote_address) ORDER BY p.id) FROM page p), '[]'::json))::text,
              (SELECT count(*) FROM filtered)
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("entity_type", NpgsqlDbType.Varchar) { Value = (object?)entityType ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("entity_id", NpgsqlDbType.Varchar) { Value = (object?)entityId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("prefixes", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = districtPrefixes is null ? DBNull.Value : districtPrefixes.Select(p => p + "%").ToArray(),
        });
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("offset", offset);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetInt64(1));
    }

    /// <summary>How many entries exist for one entity, whatever the caller's scope.</summary>
    public static async Task<long> CountForEntityAsync(NpgsqlConnection connection, string entityType, string entityId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = "SELECT count(*) FROM audit_entries WHERE entity_type = @entity_type AND entity_id = @entity_id";
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("entity_type", entityType);
        command.Parameters.AddWithValue("entity_id", entityId);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
