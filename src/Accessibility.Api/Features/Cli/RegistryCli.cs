using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Npgsql;

namespace Accessibility.Api.Features.Cli;

/// <summary>Command-line verbs of the service binary: <c>dotnet Accessibility.Api.dll &lt;verb&gt; …</c>.</summary>
public static class RegistryCli
{
    private static readonly Dictionary<string, Func<string[], CliContext, Task<int>>> Verbs = new(StringComparer.Ordinal)
    {
        ["create-database"] = (_, _) => CreateOrDropDatabaseAsync(create: true),
        ["drop-database"] = (_, _) => CreateOrDropDatabaseAsync(create: false),
        ["user"] = AuthCli.UserAsync,
        ["token"] = AuthCli.TokenAsync,
        ["import-boundaries"] = Districts.BoundaryImportCommand.RunAsync,
        ["import-facilities"] = Imports.ImportsFeature.RunCommandAsync,
        ["api-key"] = Sharing.SharingCli.RunAsync,
    };

    /// <summary>True when the first argument is a command rather than a host setting.</summary>
    public static bool Handles(string[] args) => args.Length > 0 && Verbs.ContainsKey(args[0]);

    /// <summary>Adds a verb (features register theirs).</summary>
    public static void Register(string verb, Func<string[], CliContext, Task<int>> run) => Verbs[verb] = run;

    /// <summary>Runs the verb named by the first argument on the console.</summary>
    public static Task<int> RunAsync(string[] args) => RunAsync(args, CliContext.FromConsole());

    /// <summary>Runs the verb named by the first argument with the given output and host configuration.</summary>
    public static Task<int> RunAsync(string[] args, CliContext context) => Verbs[args[0]](args[1..], context);

    /// <summary>Creates or drops the database named by ACCESSIBILITY_DB (used for throw-away test databases).</summary>
    private static async Task<int> CreateOrDropDatabaseAsync(bool create)
    {
        var target = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(ConnectionStrings.EnvironmentVariable)
            ?? throw new InvalidOperationException($"{ConnectionStrings.EnvironmentVariable} is not set."));
        var name = target.Database ?? throw new InvalidOperationException("The connection string names no database.");
        var admin = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres" };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        var quoted = "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var command = new NpgsqlCommand(create ? $"CREATE DATABASE {quoted}" : $"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
        return 0;
    }
}
