using System.Reflection;
using Accessibility.Api.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Accessibility.Api.Features.Cli;

/// <summary>
/// Where a command-line verb writes and reads, and how it builds the service host. Tests pass their own
/// writers and configuration instead of touching the console and environment variables.
/// </summary>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="In">Standard input.</param>
/// <param name="Configure">Extra host configuration, applied after the defaults (e.g. a connection string).</param>
public sealed record CliContext(TextWriter Out, TextWriter Error, TextReader In, Action<WebApplicationBuilder>? Configure = null)
{
    /// <summary>Exit code of a successful command.</summary>
    public const int Success = 0;

    /// <summary>Exit code of a command that was understood but failed (invalid values, nothing found).</summary>
    public const int Failure = 1;

    /// <summary>Exit code of a command that was not understood (unknown option, missing argument).</summary>
    public const int Usage = 2;

    /// <summary>The process's console, and configuration from the environment only.</summary>
    public static CliContext FromConsole() => new(Console.Out, Console.Error, Console.In);

    /// <summary>
    /// The service host with the same configuration as the service (ACCESSIBILITY_DB or var/pg/connection-string),
    /// its database migrated and seeded; not started. Logs only warnings (and no SQL), so output stays readable.
    /// </summary>
    public async Task<WebApplication> BuildHostAsync(CancellationToken ct = default)
    {
        var app = Build();
        await app.PrepareDatabaseAsync(ct);
        return app;
    }

    /// <summary>
    /// The service host as <see cref="BuildHostAsync"/> builds it, but without migrating and seeding a database that is
    /// already prepared: every migration of this build applied and the districts loaded, asked in one query without
    /// building EF's model (seconds of a command's start-up). A database behind is migrated and seeded first, as by
    /// <see cref="BuildHostAsync"/>, so no command runs on an older schema.
    /// </summary>
    public async Task<WebApplication> BuildPreparedHostAsync(CancellationToken ct = default)
    {
        var app = Build();
        if (!await IsPreparedAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), ct))
        {
            await app.PrepareDatabaseAsync(ct);
        }

        return app;
    }

    /// <summary>The ids of this build's migrations (read from their attributes, as EF finds them).</summary>
    private static readonly Lazy<IReadOnlyList<string>> Migrations = new(() => typeof(RegistryDbContext).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(RegistryDbContext))
        .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id)
        .OfType<string>()
        .ToList());

    private static async Task<bool> IsPreparedAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        try
        {
            await using var command = dataSource.CreateCommand(CliSql.PreparedState);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var applied = reader.GetFieldValue<string[]>(0).ToHashSet(StringComparer.Ordinal);
            return reader.GetBoolean(1) && Migrations.Value.All(applied.Contains);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InsufficientPrivilege)
        {
            // A fresh database (no history table yet), or one the runtime role has no rights in yet: prepare it.
            return false;
        }
    }

    private WebApplication Build()
    {
        return RegistryApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(
            [
                new("Logging:LogLevel:Default", "Warning"),
                // EF logs its probe for the migrations history table of a fresh database as a failure;
                // real database errors still surface as exceptions.
                new("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "None"),
            ]);
            Configure?.Invoke(builder);
        });
    }
}
