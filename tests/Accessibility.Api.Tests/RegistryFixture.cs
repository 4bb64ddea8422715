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

    /// <summary>Connection string of the throw-away database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Base address of the running service.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The service's root services, for arranging data the API cannot.</summary>
    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(TestServer.ConnectionString());
        server.Database = "postgres";
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{databaseName}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        server.Database = databaseName;
        ConnectionString = server.ConnectionString;
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
            ["ConnectionStrings:Registry"] = ConnectionString,
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
        var server = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres" };
        await using var admin = new NpgsqlConnection(server.ConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{databaseName}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
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
    public async Task<HttpClient> CreateUserClientAsync(string role, params string[] districtCodes)
    {
        await using var scope = Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var name = role + "-" + Guid.NewGuid().ToString("N")[..8];
        var (user, errors) = await accounts.CreateAsync(name, "correct horse battery staple", role, districtCodes, null, CancellationToken.None);
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
            TRUNCATE report_notifications, report_events, reports, renovation_case_events, renovation_cases, renovation_district_settings, renovation_budgets, photos, facilities, road_segments, inspections, defects, defect_events, audit_entries, api_key_usage, api_keys, api_tokens, user_sessions, sign_in_throttles, users RESTART IDENTITY CASCADE;
            -- Tests import township boundaries and set population figures; the loaded data have neither.
            UPDATE districts SET boundary = NULL, boundary_source = NULL WHERE level = 4 AND boundary IS NOT NULL;
            UPDATE districts SET population = NULL, disabled_population = NULL WHERE population IS NOT NULL OR disabled_population IS NOT NULL;
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
    /// <summary>ACCESSIBILITY_TEST_SERVER (set by make test), else ACCESSIBILITY_DB, else the private cluster of this checkout.</summary>
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
            var file = Path.Combine(dir.FullName, "var", "pg", "connection-string");
            if (File.Exists(file))
            {
                return File.ReadAllText(file).Trim();
            }
        }

        throw new InvalidOperationException("No PostGIS for the tests: run `make test`, or set ACCESSIBILITY_TEST_SERVER.");
    }
}
