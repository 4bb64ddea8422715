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
        var app = RegistryApp.Build([], builder =>
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
        await app.PrepareDatabaseAsync(ct);
        return app;
    }
}
