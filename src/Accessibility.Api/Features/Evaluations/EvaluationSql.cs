using Accessibility.Api.Features.PlanTargets;
using Accessibility.Api.Infrastructure.History;
using Npgsql;

namespace Accessibility.Api.Features.Evaluations;

/// <summary>
/// The statements of the evaluations. Each is written once with <c>{table}</c> placeholders and read as of a date
/// (<see cref="HistoryTables.Resolve"/>, docs/history.md), so an evaluation of 2023 reads what held in 2023.
/// </summary>
public static class EvaluationSql
{
    /// <summary>
    /// The plan targets of district <paramref name="code"/> for the period <paramref name="firstYear"/>–<paramref name="lastYear"/>
    /// in force at <paramref name="asOf"/> (<c>plan_targets_as_of</c>): binding ones first, then by id.
    /// </summary>
    public static async Task<List<PlanTarget>> TargetsInForceAsync(
        NpgsqlConnection connection, string code, int firstYear, int lastYear, AsOf asOf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(asOf);
        const string sql = """
            SELECT t.id, t.district_code, t.indicator, t.title, t.kind, t.value, t.comparator, t.unit, t.period_start, t.period_end,
                   t.binding, t.source_document, t.source_table, t.note
            FROM {plan_targets} t
            WHERE t.district_code = @code AND t.period_start = @first AND t.period_end = @last
            ORDER BY t.binding DESC, t.id
            """;
        await using var command = new NpgsqlCommand(HistoryTables.Resolve(sql, asOf), connection);
        asOf.Bind(command);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("first", firstYear);
        command.Parameters.AddWithValue("last", lastYear);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var targets = new List<PlanTarget>();
        while (await reader.ReadAsync(ct))
        {
            targets.Add(new PlanTarget
            {
                Id = reader.GetInt64(0),
                DistrictCode = reader.GetString(1),
                Indicator = reader.GetString(2),
                Title = reader.GetString(3),
                Kind = Enum.Parse<PlanTargetKind>(reader.GetString(4)),
                Value = reader.GetDecimal(5),
                Comparator = reader.GetString(6),
                Unit = reader.IsDBNull(7) ? null : reader.GetString(7),
                PeriodStart = reader.GetInt32(8),
                PeriodEnd = reader.GetInt32(9),
                Binding = reader.GetBoolean(10),
                SourceDocument = reader.GetString(11),
                SourceTable = reader.IsDBNull(12) ? null : reader.GetString(12),
                Note = reader.IsDBNull(13) ? null : reader.GetString(13),
            });
        }

        return targets;
    }

    /// <summary>The district's name and level (1 province … 4 township), or null when there is no such district.</summary>
    public static async Task<(string Name, int Level)?> DistrictAsync(NpgsqlConnection connection, string code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("SELECT name, level FROM districts WHERE code = @code", connection);
        command.Parameters.AddWithValue("code", code);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetInt32(1)) : null;
    }

    /// <summary>The direct subdivisions of <paramref name="code"/> (code, name), by code.</summary>
    public static async Task<List<(string Code, string Name)>> ChildrenAsync(NpgsqlConnection connection, string code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand("SELECT code, name FROM districts WHERE parent_code = @code ORDER BY code", connection);
        command.Parameters.AddWithValue("code", code);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var children = new List<(string, string)>();
        while (await reader.ReadAsync(ct))
        {
            children.Add((reader.GetString(0), reader.GetString(1)));
        }

        return children;
    }

    /// <summary>
    /// Per subdivision code in <paramref name="codes"/>: households whose renovation was accepted (验收, still accepted or
    /// followed up) from <paramref name="from"/> to <paramref name="to"/> (China Standard Time), and households registered
    /// and not rejected, as the cases stood at <paramref name="asOf"/>. A case belongs to the subdivision its township (else
    /// its county) code starts with, so one statement serves a prefecture's counties and a county's townships.
    /// The same counts as <c>RenovationSql.TargetFiguresAsync</c> gives a plan target's district; with
    /// <paramref name="asOf"/> null, of the cases as they are (the acceptance date still bounds the count).
    /// </summary>
    public static async Task<Dictionary<string, (int Accepted, int Registered)>> HouseholdsByChildAsync(
        NpgsqlConnection connection, IReadOnlyList<string> codes, DateOnly from, DateOnly to, AsOf? asOf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        const string sql = """
            SELECT c.code,
              count(*) FILTER (WHERE r.status IN ('accepted', 'followed_up')
                AND (r.accepted_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN @from AND @to)::int,
              count(*) FILTER (WHERE r.status <> 'rejected')::int
            FROM unnest(@codes) AS c(code)
            LEFT JOIN {renovation_cases} r ON coalesce(r.township_code, r.district_code) LIKE c.code || '%'
            GROUP BY c.code
            """;
        await using var command = new NpgsqlCommand(HistoryTables.Resolve(sql, asOf), connection);
        asOf?.Bind(command);
        command.Parameters.AddWithValue("codes", codes.ToArray());
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = (reader.GetInt32(1), reader.GetInt32(2));
        }

        return result;
    }
}
