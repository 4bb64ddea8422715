using Accessibility.Api.Data;
using Npgsql;

namespace Accessibility.Api.Features.Cli;

/// <summary>Command-line verbs of the service binary: <c>dotnet Accessibility.Api.dll &lt;verb&gt; …</c>.</summary>
public static class RegistryCli
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Verbs = new(StringComparer.Ordinal)
    {
        ["create-database"] = _ => CreateOrDropDatabaseAsync(create: true),
        ["drop-database"] = _ => CreateOrDropDatabaseAsync(create: false),
        ["import-boundaries"] = args => Districts.BoundaryImportCommand.RunAsync(args, Console.Out, Console.Error),
    };

    /// <summary>True when the first argument is a command rather than a host setting.</summary>
    public static bool Handles(string[] args) => args.Length > 0 && Verbs.ContainsKey(args[0]);

    /// <summary>Adds a verb (features register theirs).</summary>
    public static void Register(string verb, Func<string[], Task<int>> run) => Verbs[verb] = run;

    /// <summary>Runs the verb named by the first argument.</summary>
    public static Task<int> RunAsync(string[] args) => Verbs[args[0]](args[1..]);

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
