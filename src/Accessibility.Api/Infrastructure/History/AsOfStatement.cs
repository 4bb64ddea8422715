using Npgsql;

namespace Accessibility.Api.Infrastructure.History;

/// <summary>
/// A statement read today or as of a date, written once (docs/history.md): besides the kept tables' placeholders
/// (<see cref="HistoryTables.Resolve"/>), <c>{now}</c> is the moment the figures are judged at — <c>now()</c> today,
/// <c>@as_of</c> (the end of the day asked for) otherwise — so a due date or an overdue defect is judged against the
/// date read, not against the day of the request.
/// </summary>
public static class AsOfStatement
{
    /// <summary><paramref name="sql"/> with its table placeholders and <c>{now}</c> resolved for <paramref name="asOf"/>.</summary>
    public static string Resolve(string sql, AsOf? asOf)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return HistoryTables.Resolve(sql, asOf).Replace("{now}", asOf is null ? "now()" : "@as_of", StringComparison.Ordinal);
    }

    /// <summary>
    /// The read asked for by the query parameters <c>asOf</c> and <c>knownAt</c> (<see cref="AsOf.Parse"/>), errors added to
    /// <paramref name="errors"/> under their names; null for a read of today.
    /// </summary>
    public static AsOf? Parse(IQueryCollection query, TimeProvider clock, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(errors);
        var found = new FieldErrors();
        var asOf = AsOf.Parse(query["asOf"], query["knownAt"], clock, found);
        foreach (var (field, messages) in found.ToDictionary())
        {
            errors[field] = messages;
        }

        return asOf;
    }

    /// <summary>A command of <paramref name="sql"/> resolved for <paramref name="asOf"/>, with <c>@as_of</c>, <c>@known_at</c> bound when reading as of a date.</summary>
    public static NpgsqlCommand Command(string sql, NpgsqlConnection connection, AsOf? asOf)
    {
        var command = new NpgsqlCommand(Resolve(sql, asOf), connection);
        asOf?.Bind(command);
        return command;
    }
}
