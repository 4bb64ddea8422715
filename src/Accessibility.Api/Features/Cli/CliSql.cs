namespace Accessibility.Api.Features.Cli;

/// <summary>SQL of the command line's start-up.</summary>
internal static class CliSql
{
    /// <summary>The applied migrations (EF's history table) and whether the districts are loaded, in one round trip.</summary>
    public const string PreparedState = """
        SELECT ARRAY(SELECT migration_id FROM __ef_migrations_history)::text[], EXISTS (SELECT 1 FROM districts)
        """;
}
