namespace Accessibility.Api.Features.Patrols;

/// <summary>A share of facilities patrolled within the period.</summary>
/// <param name="Facilities">Live facilities lying in the grid(s) (not removed, not deleted).</param>
/// <param name="Patrolled">Of them, patrolled at least once within the period.</param>
/// <param name="Ratio">Patrolled ÷ facilities, 0–1 rounded to 4 places; null without facilities.</param>
public sealed record PatrolShare(int Facilities, int Patrolled, double? Ratio)
{
    internal static PatrolShare Of(int facilities, int patrolled) =>
        new(facilities, patrolled, facilities == 0 ? null : Math.Round((double)patrolled / facilities, 4));
}

/// <summary>One grid's patrol share.</summary>
/// <param name="Code">Grid code.</param>
/// <param name="Name">Grid name.</param>
/// <param name="TownshipCode">Its township.</param>
/// <param name="PatrolIntervalDays">Its patrol interval.</param>
/// <param name="Share">Its share.</param>
public sealed record PatrolGridShare(string Code, string Name, string TownshipCode, int PatrolIntervalDays, PatrolShare Share);

/// <summary>One township's patrol share (its grids together).</summary>
/// <param name="Code">Township code.</param>
/// <param name="Name">Township name, where registered.</param>
/// <param name="Share">Its share.</param>
public sealed record PatrolTownshipShare(string Code, string? Name, PatrolShare Share);

/// <summary>A definition in both languages.</summary>
/// <param name="Zh">Chinese.</param>
/// <param name="En">English.</param>
public sealed record PatrolDefinition(string Zh, string En);

/// <summary>
/// The patrol indicator (网格巡查覆盖率) of a district: facilities patrolled within the period ÷ facilities in the grid, per grid,
/// per township and for the district's grids together.
/// </summary>
/// <param name="District">The district asked for.</param>
/// <param name="From">First day of the period (China time), or null for each grid's own interval.</param>
/// <param name="To">Last day of the period, or null.</param>
/// <param name="Period">"dates" or "grid-interval".</param>
/// <param name="Definition">What is counted.</param>
/// <param name="Total">The district's grids together.</param>
/// <param name="Townships">Per township, by code.</param>
/// <param name="Grids">Per grid, by code.</param>
public sealed record PatrolIndicator(
    string District, DateOnly? From, DateOnly? To, string Period, PatrolDefinition Definition, PatrolShare Total,
    IReadOnlyList<PatrolTownshipShare> Townships, IReadOnlyList<PatrolGridShare> Grids)
{
    /// <summary>The definition the panel and the API show.</summary>
    public static readonly PatrolDefinition Defined = new(
        "网格巡查覆盖率 = 统计期内至少巡查一次的设施数 ÷ 网格内设施数（不含已拆除、已删除的设施；不在任何网格内的设施不计）。未指定起止日期时，每个网格的统计期为截至当前的一个巡查周期（patrol_interval_days）。",
        "Patrol coverage = facilities patrolled at least once within the period ÷ facilities lying in the grid (removed and deleted facilities excluded; facilities in no grid are not counted). Without from–to, each grid's period is its own patrol interval (patrol_interval_days) up to now.");

    internal static PatrolIndicator Of(string district, DateOnly? from, DateOnly? to, IReadOnlyList<PatrolIndicatorRow> rows)
    {
        var total = rows.FirstOrDefault(r => r.TownshipCode is null && r.GridCode is null);
        return new PatrolIndicator(
            district, from, to, from is null ? "grid-interval" : "dates", Defined,
            PatrolShare.Of(total?.Facilities ?? 0, total?.Patrolled ?? 0),
            [.. rows.Where(r => r.TownshipCode is not null && r.GridCode is null)
                .Select(r => new PatrolTownshipShare(r.TownshipCode!, r.TownshipName, PatrolShare.Of(r.Facilities, r.Patrolled)))],
            [.. rows.Where(r => r.GridCode is not null)
                .Select(r => new PatrolGridShare(r.GridCode!, r.GridName ?? "", r.TownshipCode!, r.PatrolIntervalDays ?? 0, PatrolShare.Of(r.Facilities, r.Patrolled)))]);
    }
}
