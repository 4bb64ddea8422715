using System.Text.Json.Nodes;
using Accessibility.Api.Features.Coverage;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.History;
using Npgsql;

namespace Accessibility.Api.Tests.History;

/// <summary>
/// The record history (migration RecordHistory, docs/history.md): a facility created, changed, deleted and corrected
/// late, read back as of several dates and as known at several instants, through the as-of functions and the coverage
/// statement; the history refuses a rewrite of settled states and the service's role cannot touch it.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class RecordHistoryTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static DateTimeOffset Day(int y, int m, int d) => new(y, m, d, 0, 0, 0, Cst);

    /// <summary>Runs <paramref name="sql"/> in one transaction taking effect at <paramref name="validFrom"/> (null: now); returns the first value.</summary>
    private async Task<object?> WriteAsync(string sql, DateTimeOffset? validFrom, string connectionString = "")
    {
        await using var connection = new NpgsqlConnection(connectionString.Length > 0 ? connectionString : registry.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (validFrom is { } v)
        {
            await EffectiveTime.ApplyAsync(connection, transaction, v, CancellationToken.None);
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var result = await command.ExecuteScalarAsync();
        await transaction.CommitAsync();
        return result;
    }

    private async Task<string?> StatusAsync(long id, DateOnly date, DateTimeOffset knownAt)
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        var asOf = new AsOf(date, knownAt);
        await using var command = new NpgsqlCommand(
            "SELECT status || CASE WHEN deleted_at IS NULL THEN '' ELSE ' (deleted)' END FROM " + asOf.Source("facilities") + " WHERE id = @id",
            connection);
        asOf.Bind(command);
        command.Parameters.AddWithValue("id", id);
        return (string?)await command.ExecuteScalarAsync();
    }

    private const string InsertRamp = """
        INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, township_code, source, created_at, updated_at)
        VALUES ('curb_ramp', '历史测试坡道', ST_SetSRID(ST_MakePoint(110.4470, 34.8670), 4490), '{}', 'operational', '140881', '140881001', 'test', now(), now())
        RETURNING id
        """;

    [Fact]
    public async Task A_facility_reads_as_it_stood_on_each_date_and_a_late_correction_counts_from_its_date()
    {
        // Built in March 2025, entered now with its date; damaged from June; removed (soft-deleted) from September.
        var id = (long)(await WriteAsync(InsertRamp, Day(2025, 3, 1)))!;
        var afterCreate = DateTimeOffset.UtcNow;
        await WriteAsync($"UPDATE facilities SET status = 'unusable', updated_at = now() WHERE id = {id}", Day(2025, 6, 1));
        var afterDamage = DateTimeOffset.UtcNow;
        await WriteAsync($"UPDATE facilities SET deleted_at = now(), updated_at = now() WHERE id = {id}", Day(2025, 9, 1));
        var now = DateTimeOffset.UtcNow.AddSeconds(1);

        Assert.Null(await StatusAsync(id, new DateOnly(2025, 2, 28), now));
        Assert.Equal("operational", await StatusAsync(id, new DateOnly(2025, 3, 1), now));
        Assert.Equal("operational", await StatusAsync(id, new DateOnly(2025, 5, 31), now));
        Assert.Equal("unusable", await StatusAsync(id, new DateOnly(2025, 6, 1), now));
        Assert.Equal("unusable (deleted)", await StatusAsync(id, new DateOnly(2025, 9, 1), now));
        Assert.Equal("unusable (deleted)", await StatusAsync(id, DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)), now));

        // What the registry knew before the damage was entered: operational in July, and on any later date.
        Assert.Equal("operational", await StatusAsync(id, new DateOnly(2025, 7, 1), afterCreate));
        Assert.Equal("unusable", await StatusAsync(id, new DateOnly(2025, 10, 1), afterDamage));
        // Before the facility was entered at all, it was unknown even for dates after it was built.
        Assert.Null(await StatusAsync(id, new DateOnly(2025, 7, 1), afterCreate.AddMinutes(-5)));
    }

    [Fact]
    public async Task A_change_of_nothing_makes_no_version_and_a_hard_delete_keeps_what_was()
    {
        var id = (long)(await WriteAsync(InsertRamp, Day(2025, 3, 1)))!;
        await WriteAsync($"UPDATE facilities SET status = status WHERE id = {id}", null);
        Assert.Equal(0L, await registry.ScalarAsync<long>($"SELECT count(*) FROM facilities_history WHERE id = {id}"));

        await WriteAsync($"DELETE FROM facilities WHERE id = {id}", null);
        Assert.Equal("operational", await StatusAsync(id, new DateOnly(2025, 12, 31), DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.Null(await StatusAsync(id, DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)), DateTimeOffset.UtcNow.AddSeconds(1)));
    }

    [Fact]
    public async Task A_correction_cannot_rewrite_a_settled_state_nor_take_effect_in_the_future()
    {
        var id = (long)(await WriteAsync(InsertRamp, Day(2025, 3, 1)))!;
        await WriteAsync($"UPDATE facilities SET status = 'unusable' WHERE id = {id}", Day(2025, 6, 1));

        var before = await Assert.ThrowsAsync<PostgresException>(() =>
            WriteAsync($"UPDATE facilities SET status = 'operational' WHERE id = {id}", Day(2025, 5, 1)));
        Assert.Equal(EffectiveTime.BeforeCurrentState, before.SqlState);
        var future = await Assert.ThrowsAsync<PostgresException>(() =>
            WriteAsync($"UPDATE facilities SET status = 'operational' WHERE id = {id}", DateTimeOffset.UtcNow.AddDays(2)));
        Assert.Equal(EffectiveTime.InFuture, future.SqlState);
        Assert.Equal("unusable", await registry.ScalarAsync<string>($"SELECT status FROM facilities WHERE id = {id}"));
    }

    [Fact]
    public async Task The_services_role_writes_records_but_cannot_change_or_remove_their_history()
    {
        var id = (long)(await WriteAsync(InsertRamp, Day(2025, 3, 1), registry.RuntimeConnectionString))!;
        await WriteAsync($"UPDATE facilities SET status = 'unusable' WHERE id = {id}", null, registry.RuntimeConnectionString);
        // The old belief (operational from March, open-ended) and the new one about the past (operational until now).
        Assert.Equal(2L, await registry.ScalarAsync<long>($"SELECT count(*) FROM facilities_history WHERE id = {id}"));

        foreach (var sql in new[]
        {
            $"DELETE FROM facilities_history WHERE id = {id}",
            $"UPDATE facilities_history SET status = 'operational' WHERE id = {id}",
            $"INSERT INTO facilities_history SELECT * FROM facilities_history WHERE id = {id}",
        })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => WriteAsync(sql, null, registry.RuntimeConnectionString));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        // Not even the owner rewrites it.
        var owner = await Assert.ThrowsAsync<PostgresException>(() => WriteAsync($"DELETE FROM facilities_history WHERE id = {id}", null));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, owner.SqlState);
    }

    [Fact]
    public async Task Every_kept_table_has_its_history_and_as_of_function_with_all_its_columns()
    {
        foreach (var table in HistoryTables.Kept)
        {
            var missing = await registry.ScalarAsync<string>(
                """
                SELECT string_agg(a.attname, ', ') FROM pg_attribute a
                WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
                  AND NOT EXISTS (SELECT 1 FROM pg_attribute h WHERE h.attrelid = ($1 || '_history')::regclass AND h.attname = a.attname AND NOT h.attisdropped)
                """, table);
            Assert.True(missing is null, $"{table}_history lacks {missing}");
            // The as-of function answers in the table's own row type.
            await registry.ScalarAsync<long>($"SELECT count(*) FROM (SELECT (f::{table}).* FROM {table}_as_of(now(), now()) f) x");
        }

        Assert.Equal(HistoryTables.Kept.Order(), (await registry.ScalarAsync<string[]>("SELECT array_agg(table_name ORDER BY table_name) FROM registry_history_tables"))!);
    }

    [Fact]
    public async Task The_coverage_statement_counts_facilities_as_they_stood()
    {
        var id = (long)(await WriteAsync(InsertRamp, Day(2024, 5, 1)))!;
        await WriteAsync(InsertRamp.Replace("curb_ramp", "accessible_toilet", StringComparison.Ordinal), Day(2025, 2, 1));
        await WriteAsync($"UPDATE facilities SET deleted_at = now() WHERE id = {id}", Day(2025, 8, 1));

        async Task<long> TotalAsync(DateOnly? date)
        {
            await using var connection = new NpgsqlConnection(registry.ConnectionString);
            await connection.OpenAsync();
            AsOf? asOf = date is { } d ? new AsOf(d, DateTimeOffset.UtcNow.AddSeconds(1)) : null;
            var json = await CoverageSql.FiguresAsync(connection, "140881", "140881", 500, CancellationToken.None, asOf);
            return JsonNode.Parse(json!)!["facilities"]!["total"]!.GetValue<long>();
        }

        Assert.Equal(0, await TotalAsync(new DateOnly(2024, 4, 30)));
        Assert.Equal(1, await TotalAsync(new DateOnly(2024, 12, 31)));
        Assert.Equal(2, await TotalAsync(new DateOnly(2025, 7, 31)));
        Assert.Equal(1, await TotalAsync(new DateOnly(2025, 12, 31)));
        Assert.Equal(1, await TotalAsync(null));
    }

    [Theory]
    [InlineData("2025-13-01", null, "asOf")]
    [InlineData("2025/12/31", null, "asOf")]
    [InlineData("1999-12-31", null, "asOf")]
    [InlineData("2099-01-01", null, "asOf")]
    [InlineData(null, "2026-01-01T00:00:00+08:00", "knownAt")]
    [InlineData("2025-12-31", "2026-01-01", "knownAt")]
    [InlineData("2025-12-31", "2099-01-01T00:00:00Z", "knownAt")]
    public void A_bad_date_is_an_error_on_its_parameter(string? asOf, string? knownAt, string field)
    {
        var errors = new FieldErrors();
        AsOf.Parse(asOf, knownAt, TimeProvider.System, errors);
        Assert.True(errors.Has(field));
    }

    [Fact]
    public void A_date_is_read_at_its_last_instant_in_China_Standard_Time()
    {
        var errors = new FieldErrors();
        var asOf = AsOf.Parse("2025-12-31", "2026-03-01T09:00:00+08:00", TimeProvider.System, errors)!;
        Assert.True(errors.IsEmpty);
        Assert.Equal(new DateTimeOffset(2025, 12, 31, 15, 59, 59, TimeSpan.Zero).AddTicks(9_999_990), asOf.Instant.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 1, 0, 0, TimeSpan.Zero), asOf.KnownAt.ToUniversalTime());
    }
}
