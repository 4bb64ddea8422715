using System.Net;
using Accessibility.Api.Features.Auth;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Durability;

/// <summary>
/// The service connects as a least-privilege runtime role: whoever takes over its connection can neither erase nor
/// rewrite the audit log, nor switch off the trigger that keeps it append-only.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class DatabaseRoleTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_service_connects_as_a_role_that_is_neither_superuser_nor_owner()
    {
        var service = registry.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await service.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls,
                   (SELECT tableowner FROM pg_tables WHERE tablename = 'audit_entries') = current_user
            FROM pg_roles r WHERE r.rolname = current_user
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.False(reader.GetBoolean(0), "the runtime role has superuser, createrole, createdb or bypassrls");
        Assert.False(reader.GetBoolean(1), "the runtime role owns audit_entries");
        Assert.Equal(new NpgsqlConnectionStringBuilder(registry.RuntimeConnectionString).Username, connection.UserName);
    }

    [Theory]
    [InlineData("TRUNCATE audit_entries")]
    [InlineData("DELETE FROM audit_entries")]
    [InlineData("UPDATE audit_entries SET actor = 'someone else'")]
    [InlineData("ALTER TABLE audit_entries DISABLE TRIGGER ALL")]
    [InlineData("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only")]
    [InlineData("DROP TABLE audit_entries")]
    public async Task The_runtime_role_cannot_erase_rewrite_or_unprotect_the_audit_log(string sql)
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        Assert.Equal(HttpStatusCode.Created, (await inspector.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji)))).StatusCode);
        var entries = await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries");
        Assert.True(entries > 0);

        await using var connection = new NpgsqlConnection(registry.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        // Refused for want of privilege (42501) or ownership: not merely stopped by the trigger, which the owner could drop.
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Contains(refused.MessageText, new[] { "permission denied for table audit_entries", "must be owner of table audit_entries" });
        Assert.Equal(entries, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries"));
    }

    [Fact]
    public async Task A_write_through_the_API_still_leaves_its_audit_entry()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var created = await (await inspector.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji, "审计")))).ReadObjectAsync();
        var id = (long)created["id"]!;
        Assert.Equal(1L, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE entity_type = 'facility' AND entity_id = $1::text AND action = 'create'", id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
