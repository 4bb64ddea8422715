using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.Sharing;

/// <summary>Every SQL statement of data sharing; values are always parameters.</summary>
public static class SharingSql
{
    /// <summary>
    /// Adds counted requests to <c>api_key_usage</c> in one statement (<c>unnest</c> of arrays, then
    /// <c>INSERT … ON CONFLICT DO UPDATE</c> adding to the day's count) and moves each key's <c>last_used_at</c> forward.
    /// Rows of keys that no longer exist are dropped.
    /// </summary>
    public static async Task AddUsageAsync(
        NpgsqlConnection connection, IReadOnlyList<(long KeyId, DateOnly Day, string Layer, string Route, long Requests, DateTimeOffset Last)> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        const string sql = """
            WITH u AS (
              SELECT u.* FROM unnest(@keys, @days, @layers, @routes, @requests, @lasts) AS u(api_key_id, day, layer, route, requests, last_used_at)
              WHERE EXISTS (SELECT 1 FROM api_keys k WHERE k.id = u.api_key_id)),
            added AS (
              INSERT INTO api_key_usage (api_key_id, day, layer, route, requests, last_used_at)
              SELECT api_key_id, day, layer, route, requests, last_used_at FROM u
              ON CONFLICT (api_key_id, day, layer, route) DO UPDATE
                SET requests = api_key_usage.requests + excluded.requests,
                    last_used_at = greatest(api_key_usage.last_used_at, excluded.last_used_at))
            UPDATE api_keys k SET last_used_at = greatest(k.last_used_at, m.last)
            FROM (SELECT api_key_id, max(last_used_at) AS last FROM u GROUP BY api_key_id) m
            WHERE k.id = m.api_key_id
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.KeyId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("days", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = rows.Select(r => r.Day).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("layers", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Layer).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("routes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Route).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("requests", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.Requests).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("lasts", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = rows.Select(r => r.Last).ToArray() });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The key whose secret hashes to <paramref name="keyHash"/> (any state: the caller checks revocation and expiry), or
    /// null. One index lookup on <c>ix_api_keys_key_hash</c>, on every request made with a key.
    /// </summary>
    public static async Task<ApiKey?> KeyByHashAsync(NpgsqlConnection connection, string keyHash, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT id, department, district_codes, layers, prefix, created_at, created_by, expires_at, revoked_at FROM api_keys WHERE key_hash = @hash",
            connection);
        command.Parameters.AddWithValue("hash", keyHash);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new ApiKey
        {
            Id = reader.GetInt64(0),
            Department = reader.GetString(1),
            DistrictCodes = [.. reader.GetFieldValue<string[]>(2)],
            Layers = [.. reader.GetFieldValue<string[]>(3)],
            KeyHash = keyHash,
            Prefix = reader.GetString(4),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(5),
            CreatedBy = reader.GetString(6),
            ExpiresAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            RevokedAt = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        };
    }

    /// <summary>Usage rows of one key from <paramref name="from"/> to <paramref name="to"/> (days, inclusive), newest day first.</summary>
    public static async Task<List<UsageRow>> UsageAsync(NpgsqlConnection connection, long keyId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        const string sql = """
            SELECT day, layer, route, requests, last_used_at FROM api_key_usage
            WHERE api_key_id = @key AND day BETWEEN @from AND @to
            ORDER BY day DESC, layer, route
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", keyId);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        var rows = new List<UsageRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new UsageRow(reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return rows;
    }

    /// <summary>Requests per key from <paramref name="from"/> on (days), for the key list.</summary>
    public static async Task<Dictionary<long, long>> RequestsSinceAsync(NpgsqlConnection connection, DateOnly from, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT api_key_id, sum(requests)::bigint FROM api_key_usage WHERE day >= @from GROUP BY api_key_id", connection);
        command.Parameters.AddWithValue("from", from);
        var totals = new Dictionary<long, long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            totals[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return totals;
    }
}

/// <summary>Requests of a key on one day to one route of one layer.</summary>
/// <param name="Day">Day (China Standard Time).</param>
/// <param name="Layer">Shared layer or <c>reference</c>.</param>
/// <param name="Route">Route pattern.</param>
/// <param name="Requests">Requests counted.</param>
/// <param name="LastUsedAt">Latest of them.</param>
public sealed record UsageRow(DateOnly Day, string Layer, string Route, long Requests, DateTimeOffset LastUsedAt);
