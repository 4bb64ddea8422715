using System.Text.Json.Nodes;
using Accessibility.Api.Infrastructure.History;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Features.AnnualReports;

/// <summary>One published edition of a district's annual report, without its figures.</summary>
/// <param name="DistrictCode">The district.</param>
/// <param name="Year">The report's year.</param>
/// <param name="Edition">1 for the first publication, then 2, 3…</param>
/// <param name="AsOf">The date the figures are of: 31 December of the year.</param>
/// <param name="KnownAt">What the registry knew: the figures are those held at this instant.</param>
/// <param name="PublishedAt">When it was published.</param>
/// <param name="PublishedBy">Who published it (account name).</param>
/// <param name="Note">The publisher's note (what the edition is, what it corrects).</param>
public sealed record AnnualReportEdition(
    string DistrictCode, int Year, int Edition, DateOnly AsOf, DateTimeOffset KnownAt, DateTimeOffset PublishedAt, string PublishedBy, string Note);

/// <summary>The SQL of the annual report editions (migration AnnualReportEditions): append-only, one row per edition.</summary>
public static class AnnualReportSql
{
    private const string Columns = "district_code, year, edition, as_of, known_at, published_at, published_by_name, note";

    /// <summary>
    /// Inserts the next edition of (<paramref name="district"/>, <paramref name="year"/>) with <paramref name="figures"/>
    /// and returns it. Editions of one report are numbered under a transaction-scoped advisory lock, so two publishers at
    /// once get 1 and 2, never the same number; call inside the caller's transaction.
    /// </summary>
    public static async Task<(long Id, AnnualReportEdition Edition)> InsertNextAsync(
        NpgsqlConnection connection, string district, int year, DateOnly asOf, DateTimeOffset knownAt, DateTimeOffset publishedAt,
        long? publishedBy, string publishedByName, string note, JsonObject figures, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(figures);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('annual-report:' || @d || ':' || @y::text))", connection))
        {
            lockCommand.Parameters.AddWithValue("d", district);
            lockCommand.Parameters.AddWithValue("y", year);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        await using var command = new NpgsqlCommand($"""
            INSERT INTO annual_report_editions (district_code, year, edition, as_of, known_at, published_at, published_by, published_by_name, note, figures)
            SELECT @d, @y, COALESCE(max(edition), 0) + 1, @as_of, @known_at, @published_at, @by, @by_name, @note, @figures
            FROM annual_report_editions WHERE district_code = @d AND year = @y
            RETURNING id, {Columns}
            """, connection);
        command.Parameters.AddWithValue("d", district);
        command.Parameters.AddWithValue("y", year);
        command.Parameters.AddWithValue("as_of", asOf);
        command.Parameters.AddWithValue("known_at", knownAt.ToUniversalTime());
        command.Parameters.AddWithValue("published_at", publishedAt.ToUniversalTime());
        command.Parameters.Add(new NpgsqlParameter("by", NpgsqlDbType.Bigint) { Value = (object?)publishedBy ?? DBNull.Value });
        command.Parameters.AddWithValue("by_name", publishedByName);
        command.Parameters.AddWithValue("note", note);
        command.Parameters.Add(new NpgsqlParameter("figures", NpgsqlDbType.Jsonb) { Value = figures.ToJsonString() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), Read(reader, 1));
    }

    /// <summary>Every edition of the reports of districts matching <paramref name="districtPatterns"/> (LIKE; null: all), newest year first.</summary>
    public static async Task<List<AnnualReportEdition>> ListAsync(
        NpgsqlConnection connection, string? district, int? year, string[]? districtPatterns, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns} FROM annual_report_editions
            WHERE (@d::text IS NULL OR district_code = @d) AND (@y::int IS NULL OR year = @y)
              AND (@patterns::text[] IS NULL OR district_code LIKE ANY (@patterns))
            ORDER BY district_code, year DESC, edition
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("d", NpgsqlDbType.Text) { Value = (object?)district ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("y", NpgsqlDbType.Integer) { Value = (object?)year ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("patterns", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)districtPatterns ?? DBNull.Value });
        var list = new List<AnnualReportEdition>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(Read(reader, 0));
        }

        return list;
    }

    /// <summary>Edition <paramref name="edition"/> of the report with its frozen figures (JSON text), or null.</summary>
    public static async Task<(AnnualReportEdition Edition, string Figures)?> GetAsync(
        NpgsqlConnection connection, string district, int year, int edition, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns}, figures::text FROM annual_report_editions WHERE district_code = @d AND year = @y AND edition = @e
            """, connection);
        command.Parameters.AddWithValue("d", district);
        command.Parameters.AddWithValue("y", year);
        command.Parameters.AddWithValue("e", edition);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (Read(reader, 0), reader.GetString(8)) : null;
    }

    /// <summary>The plan targets of <paramref name="district"/> as the registry held them (<see cref="AsOf"/>), as JSON text of the API's shape.</summary>
    public static async Task<string> TargetsAsync(NpgsqlConnection connection, string district, AsOf asOf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(asOf);
        // The API's PlanTargetResponse, without the row version (a version is not a figure of the report).
        const string Sql = """
            SELECT COALESCE(json_agg(json_build_object(
                     'id', t.id, 'districtCode', t.district_code, 'indicator', t.indicator, 'title', t.title, 'kind', lower(t.kind),
                     'value', t.value, 'comparator', t.comparator, 'unit', t.unit, 'periodStart', t.period_start,
                     'periodEnd', t.period_end, 'binding', t.binding, 'sourceDocument', t.source_document,
                     'sourceTable', t.source_table, 'note', t.note)
                   ORDER BY t.indicator, t.id), '[]')::text
            FROM {plan_targets} t WHERE t.district_code = @d
            """;
        await using var command = new NpgsqlCommand(HistoryTables.Resolve(Sql, asOf), connection);
        asOf.Bind(command);
        command.Parameters.AddWithValue("d", district);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    private static AnnualReportEdition Read(NpgsqlDataReader reader, int i) => new(
        reader.GetString(i),
        reader.GetInt32(i + 1),
        reader.GetInt32(i + 2),
        reader.GetFieldValue<DateOnly>(i + 3),
        new DateTimeOffset(reader.GetDateTime(i + 4), TimeSpan.Zero),
        new DateTimeOffset(reader.GetDateTime(i + 5), TimeSpan.Zero),
        reader.GetString(i + 6),
        reader.GetString(i + 7));
}
