using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Audit;

/// <summary>SQL of the audit log reader.</summary>
public static class AuditSql
{
    /// <summary>
    /// Whether an entry lies in the caller's districts (<c>@prefixes</c> null: every entry). The district is read from what
    /// the entry stored before or after the change: a Feature's <c>properties.districtCode</c>, a record's top-level
    /// <c>districtCode</c> (plan targets, household cases), or, for API keys and user accounts, their districts
    /// (<c>districtCodes</c>, <c>districtScopes</c>), every one of which must lie inside the caller's (as for managing them).
    /// </summary>
    private const string InScope = """
        (@prefixes IS NULL
         OR a.after #>> '{properties,districtCode}' LIKE ANY (@prefixes)
         OR a.before #>> '{properties,districtCode}' LIKE ANY (@prefixes)
         OR a.after ->> 'districtCode' LIKE ANY (@prefixes)
         OR a.before ->> 'districtCode' LIKE ANY (@prefixes)
         OR EXISTS (
              SELECT 1 FROM (VALUES (COALESCE(a.after, a.before) -> 'districtCodes'), (COALESCE(a.after, a.before) -> 'districtScopes')) AS s(codes)
              WHERE jsonb_typeof(s.codes) = 'array' AND jsonb_array_length(s.codes) > 0
                AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(s.codes) AS c(code) WHERE NOT c.code LIKE ANY (@prefixes))))
        """;

    /// <summary>
    /// A page of audit entries and how many match in all, optionally for one entity type and id and one actor, in
    /// <paramref name="districtPrefixes"/> (null: everywhere); oldest first, or newest first.
    /// </summary>
    public static async Task<(List<AuditRow> Rows, long Matched)> SearchAsync(
        NpgsqlConnection connection, AuditQuery query, IReadOnlyList<string>? districtPrefixes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(query);
        var order = query.NewestFirst ? "a.id DESC" : "a.id";
        var sql = $"""
            SELECT a.id, a.at, a.user_id, a.actor, a.action, a.entity_type, a.entity_id, a.before::text, a.after::text, a.remote_address,
                   count(*) OVER ()
            FROM audit_entries a
            WHERE (@entity_type IS NULL OR a.entity_type = @entity_type)
              AND (@entity_id IS NULL OR a.entity_id = @entity_id)
              AND (@actor IS NULL OR a.actor = @actor)
              AND {InScope}
            ORDER BY {order}
            LIMIT @limit OFFSET @offset
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("entity_type", NpgsqlDbType.Varchar) { Value = (object?)query.EntityType ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("entity_id", NpgsqlDbType.Varchar) { Value = (object?)query.EntityId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("actor", NpgsqlDbType.Varchar) { Value = (object?)query.Actor ?? DBNull.Value });
        command.Parameters.Add(Prefixes(districtPrefixes));
        command.Parameters.AddWithValue("limit", query.Limit);
        command.Parameters.AddWithValue("offset", query.Offset);
        var rows = new List<AuditRow>();
        long matched = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new AuditRow(
                reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), Object(reader, 7), Object(reader, 8), reader.IsDBNull(9) ? null : reader.GetString(9)));
            matched = reader.GetInt64(10);
        }

        if (rows.Count == 0 && query.Offset > 0)
        {
            // Past the last page: count(*) OVER () has no row to ride on.
            matched = await CountAsync(connection, query, districtPrefixes, ct);
        }

        return (rows, matched);
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

    private static async Task<long> CountAsync(NpgsqlConnection connection, AuditQuery query, IReadOnlyList<string>? districtPrefixes, CancellationToken ct)
    {
        var sql = $"""
            SELECT count(*) FROM audit_entries a
            WHERE (@entity_type IS NULL OR a.entity_type = @entity_type)
              AND (@entity_id IS NULL OR a.entity_id = @entity_id)
              AND (@actor IS NULL OR a.actor = @actor)
              AND {InScope}
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("entity_type", NpgsqlDbType.Varchar) { Value = (object?)query.EntityType ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("entity_id", NpgsqlDbType.Varchar) { Value = (object?)query.EntityId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("actor", NpgsqlDbType.Varchar) { Value = (object?)query.Actor ?? DBNull.Value });
        command.Parameters.Add(Prefixes(districtPrefixes));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static NpgsqlParameter Prefixes(IReadOnlyList<string>? districtPrefixes) => new("prefixes", NpgsqlDbType.Array | NpgsqlDbType.Text)
    {
        Value = districtPrefixes is null ? DBNull.Value : districtPrefixes.Select(p => p + "%").ToArray(),
    };

    private static JsonObject? Object(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : JsonNode.Parse(reader.GetString(ordinal)) as JsonObject;
}

/// <summary>What to search the audit log for.</summary>
/// <param name="EntityType">Entity type, e.g. facility (null: any).</param>
/// <param name="EntityId">Entity id (null: any).</param>
/// <param name="Actor">User name of whoever made the change (null: anyone).</param>
/// <param name="Limit">Page size.</param>
/// <param name="Offset">Entries skipped.</param>
/// <param name="NewestFirst">Newest first (pages) instead of oldest first (the API).</param>
public sealed record AuditQuery(string? EntityType, string? EntityId, string? Actor, int Limit, int Offset, bool NewestFirst);

/// <summary>One stored audit entry.</summary>
/// <param name="Id">Entry id.</param>
/// <param name="At">When.</param>
/// <param name="UserId">User id, if any.</param>
/// <param name="Actor">User name at the time, or system.</param>
/// <param name="Action">create, update, delete, …</param>
/// <param name="EntityType">Entity type.</param>
/// <param name="EntityId">Entity id.</param>
/// <param name="Before">State before.</param>
/// <param name="After">State after.</param>
/// <param name="RemoteAddress">Remote address.</param>
public sealed record AuditRow(
    long Id, DateTimeOffset At, long? UserId, string Actor, string Action, string EntityType, string EntityId,
    JsonObject? Before, JsonObject? After, string? RemoteAddress);
