using System.Net.Http.Headers;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Accessibility.Api.Tests;

/// <summary>
/// The real service on Kestrel (127.0.0.1, a free port) over a throw-away PostGIS database
/// created on the server <c>make test</c> started, with districts and plan targets loaded.
/// </summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private WebApplication? app;
    private readonly string databaseName = "acc_test_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Connection string of the throw-away database as its owner, for arranging and inspecting data (tests may write
    /// what the API cannot, and empty the tables between tests).
    /// </summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Connection string of the throw-away database as the runtime role: the service's own connection.</summary>
    public string RuntimeConnectionString { get; private set; } = "";

    /// <summary>Base address of the running service.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The service's root services, for arranging data the API cannot.</summary>
    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        (ConnectionString, RuntimeConnectionString) = await TestServer.CreateDatabaseAsync(databaseName);
        app = RegistryApp.Build([], builder =>
        {
            ConfigureHost(builder);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await app.PrepareDatabaseAsync();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address + "/");
    }

    /// <summary>The configuration of the service under test: the throw-away database, no demo data. Command-line verbs use it too.</summary>
    public void ConfigureHost(WebApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // As in production: migrations as the owner, requests as the runtime role.
            ["ConnectionStrings:Registry"] = RuntimeConnectionString,
            ["ConnectionStrings:RegistryOwner"] = ConnectionString,
            ["Registry:LoadDemoData"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            // A fresh key for personal data per run: never a committed one.
            ["Registry:PersonalDataKey"] = personalDataKey,
        });

    private readonly string personalDataKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await TestServer.DropDatabaseAsync(databaseName);
    }

    /// <summary>An anonymous client.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <summary>A client that keeps cookies, as a browser does, for the session cookie and antiforgery.</summary>
    public HttpClient CreateCookieClient() =>
        new(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), UseCookies = true }) { BaseAddress = BaseAddress };

    /// <summary>A client that sends <paramref name="token"/> as a bearer token.</summary>
    public HttpClient CreateClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Creates an account of <paramref name="role"/> scoped to <paramref name="districtCodes"/> and returns a
    /// client that sends its personal token.
    /// </summary>
    public Task<HttpClient> CreateUserClientAsync(string role, params string[] districtCodes) =>
        CreateUserClientAsync(role, null, districtCodes);

    /// <summary>A client signed in (bearer token) as a new managing-unit account of <paramref name="unit"/> in <paramref name="districtCodes"/>.</summary>
    public Task<HttpClient> CreateManagingUnitClientAsync(string unit, params string[] districtCodes) =>
        CreateUserClientAsync(Roles.ManagingUnit, unit, districtCodes);

    /// <summary>
    /// A client signed in as a new grid-worker account (网格员) responsible for <paramref name="gridCodes"/>, in the counties of
    /// those grids.
    /// </summary>
    public async Task<HttpClient> CreateGridWorkerClientAsync(params string[] gridCodes)
    {
        await using var scope = Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var name = Roles.GridWorker + "-" + Guid.NewGuid().ToString("N")[..8];
        // The grids must exist: the account's districts are their counties.
        var (user, errors) = await accounts.CreateAsync(name, "correct horse battery staple", Roles.GridWorker, [], null, CancellationToken.None, null, gridCodes);
        Assert.True(user is not null, string.Join("; ", errors.SelectMany(e => e.Value)));
        var (_, secret) = await accounts.CreateTokenAsync(user.Id, "tests", null, CancellationToken.None);
        return CreateClient(secret);
    }

    private async Task<HttpClient> CreateUserClientAsync(string role, string? managingUnit, string[] districtCodes)
    {
        await using var scope = Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var name = role + "-" + Guid.NewGuid().ToString("N")[..8];
        var (user, errors) = await accounts.CreateAsync(name, "correct horse battery staple", role, districtCodes, null, CancellationToken.None, managingUnit);
        Assert.True(user is not null, string.Join("; ", errors.SelectMany(e => e.Value)));
        var (_, secret) = await accounts.CreateTokenAsync(user.Id, "tests", null, CancellationToken.None);
        return CreateClient(secret);
    }

    /// <summary>Empties everything tests write (not districts), so no test depends on another's data.</summary>
    public async Task ResetAsync()
    {
        // API key usage counted by the last test goes in now, not into a key of the next test that reuses the id.
        await Services.GetRequiredService<Accessibility.Api.Features.Sharing.ApiKeyUsageRecorder>().FlushAsync();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var truncate = new NpgsqlCommand(
            """
            TRUNCATE patrols, project_documents, project_waivers, project_checks, project_facilities, construction_projects, community_grids, annual_report_editions, survey_answers, surveys, report_notifications, report_events, reports, renovation_case_events, renovation_cases, renovation_district_settings, renovation_budgets, photos, facilities, road_segments, inspections, defects, defect_events, audit_entries, api_key_usage, api_keys, api_tokens, user_sessions, sign_in_throttles, users RESTART IDENTITY CASCADE;
            -- Tests import township boundaries and set population figures; the loaded data have neither.
            UPDATE districts SET boundary = NULL, boundary_source = NULL WHERE level = 4 AND boundary IS NOT NULL;
            UPDATE districts SET population = NULL, disabled_population = NULL WHERE population IS NOT NULL OR disabled_population IS NOT NULL;
            -- The history the tests wrote (plan targets are seeded, not written by tests: theirs stays).
            TRUNCATE facilities_history, road_segments_history, inspections_history, defects_history, reports_history,
                     renovation_cases_history, renovation_district_settings_history, renovation_budgets_history,
                     construction_projects_history;
            """, connection);
        await truncate.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query in the throw-away database and returns the first column of the first row.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }
}

/// <summary>Every test that needs the service shares one, one test at a time.</summary>
[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "registry";
}

/// <summary>The database server tests create their throw-away databases on.</summary>
public static class TestServer
{
    /// <summary>Owner role of the test databases (owns their schema, runs migrations; not a superuser).</summary>
    public const string OwnerRole = "accessibility_test_owner";

    /// <summary>Runtime role of the test databases: what the service under test connects as.</summary>
    public const string RuntimeRole = "accessibility_test_app";

    /// <summary>
    /// Creates <paramref name="databaseName"/> as production has it: owned by the owner role, with PostGIS created by
    /// the superuser; the owner and runtime roles are created on the server when missing. Their passwords are derived
    /// from the superuser's connection string, so every test run against one server agrees on them.
    /// </summary>
    /// <returns>The owner's and the runtime role's connection strings to the new database.</returns>
    public static async Task<(string Owner, string Runtime)> CreateDatabaseAsync(string databaseName, string? server = null)
    {
        var superuser = new NpgsqlConnectionStringBuilder(server ?? ConnectionString()) { Database = "postgres" };
        var ownerPassword = DerivedPassword(superuser.ConnectionString, OwnerRole);
        var runtimePassword = DerivedPassword(superuser.ConnectionString, RuntimeRole);
        await using (var admin = new NpgsqlConnection(superuser.ConnectionString))
        {
            await admin.OpenAsync();
            // Test processes may run side by side on one server: one at a time creates the roles.
            await ExecAsync(admin, "SELECT pg_advisory_lock(hashtext('accessibility test roles'))");
            foreach (var (role, password) in new[] { (OwnerRole, ownerPassword), (RuntimeRole, runtimePassword) })
            {
                await ExecAsync(admin, $"""
                    DO $$ BEGIN
                      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {role}; END IF;
                    END $$;
                    ALTER ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD '{password}';
                    """);
            }

            await ExecAsync(admin, "SELECT pg_advisory_unlock(hashtext('accessibility test roles'))");
            await ExecAsync(admin, $"CREATE DATABASE \"{databaseName}\" OWNER {OwnerRole}");
        }

        superuser.Database = databaseName;
        await using (var admin = new NpgsqlConnection(superuser.ConnectionString))
        {
            await admin.OpenAsync();
            await ExecAsync(admin, "CREATE EXTENSION IF NOT EXISTS postgis");
        }

        NpgsqlConnectionStringBuilder As(string role, string password) => new(superuser.ConnectionString) { Username = role, Password = password };
        return (As(OwnerRole, ownerPassword).ConnectionString, As(RuntimeRole, runtimePassword).ConnectionString);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing its connections.</summary>
    public static async Task DropDatabaseAsync(string databaseName, string? server = null)
    {
        var superuser = new NpgsqlConnectionStringBuilder(server ?? ConnectionString()) { Database = "postgres" };
        await using var admin = new NpgsqlConnection(superuser.ConnectionString);
        await admin.OpenAsync();
        await ExecAsync(admin, $"DROP DATABASE IF EXISTS \"{databaseName}\" WITH (FORCE)");
    }

    private static string DerivedPassword(string superuser, string role) =>
        Convert.ToHexString(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(superuser), System.Text.Encoding.UTF8.GetBytes(role)))[..32].ToLowerInvariant();

    private static async Task ExecAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A superuser's connection: ACCESSIBILITY_TEST_SERVER (set by make test), else ACCESSIBILITY_DB, else the
    /// private cluster of this checkout (var/pg/superuser-connection-string).
    /// </summary>
    public static string ConnectionString()
    {
        foreach (var name in new[] { "ACCESSIBILITY_TEST_SERVER", ConnectionStrings.EnvironmentVariable })
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "var", "pg", "superuser-connection-string");
            if (File.Exists(file))
            {
                return File.ReadAllText(file).Trim();
            }
        }

        throw new InvalidOperationException("No PostGIS for the tests: run `make test`, or set ACCESSIBILITY_TEST_SERVER.");
    }
}
