namespace Accessibility.Api.Infrastructure.History;

/// <summary>
/// The tables whose history the registry keeps (migration RecordHistory, docs/history.md). A query reads a kept table
/// either as it is (<c>facilities</c>) or as of a moment (<c>facilities_as_of(@as_of, @known_at)</c>): the same SQL with
/// its sources swapped, so an as-of figure is computed exactly as today's.
/// </summary>
public static class HistoryTables
{
    /// <summary>Every kept table.</summary>
    public static readonly IReadOnlySet<string> Kept = new HashSet<string>(StringComparer.Ordinal)
    {
        "facilities", "road_segments", "inspections", "defects", "reports", "renovation_cases", "plan_targets",
        "renovation_district_settings", "renovation_budgets", "construction_projects",
    };

    /// <summary>The table itself when <paramref name="asOf"/> is null, else its as-of function with <c>@as_of, @known_at</c>.</summary>
    public static string Source(string table, AsOf? asOf) => asOf is null ? Checked(table) : AsOfSource(table);

    /// <summary>The as-of function of <paramref name="table"/> with <c>@as_of, @known_at</c>.</summary>
    public static string AsOfSource(string table) => Checked(table) + "_as_of(@as_of, @known_at)";

    /// <summary>
    /// <paramref name="sql"/> with each <c>{table}</c> placeholder of a kept table replaced by its source for
    /// <paramref name="asOf"/> (e.g. <c>FROM {facilities} f</c>).
    /// </summary>
    public static string Resolve(string sql, AsOf? asOf)
    {
        ArgumentNullException.ThrowIfNull(sql);
        foreach (var table in Kept)
        {
            sql = sql.Replace("{" + table + "}", Source(table, asOf), StringComparison.Ordinal);
        }

        return sql;
    }

    /// <summary><paramref name="sql"/> with every kept table's placeholder replaced by its as-of function.</summary>
    public static string AsOfSourcesOf(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        foreach (var table in Kept)
        {
            sql = sql.Replace("{" + table + "}", AsOfSource(table), StringComparison.Ordinal);
        }

        return sql;
    }

    private static string Checked(string table) =>
        Kept.Contains(table) ? table : throw new ArgumentException($"No history is kept of '{table}'.", nameof(table));
}
