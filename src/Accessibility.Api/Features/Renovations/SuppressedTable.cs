namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// Statistical disclosure control of one district's table of household counts by status × year,
/// with totals per year, per status and overall. A count from 1 to <see cref="Threshold"/> − 1 is
/// suppressed (primary). Then, so that no suppressed value can be found by subtracting the others
/// from a published total, every line (a year's cells and its total, a status's cells and its total,
/// the year totals and the grand total, the status totals and the grand total) whose suppressed members
/// are exactly one, or add up to less than <see cref="Threshold"/> (what subtracting would reveal),
/// gets one more: the smallest published non-zero cell of that line, or failing that its total
/// (secondary suppression, repeated until nothing changes). Zero cells are not listed; an absent cell
/// is known to be zero. A table whose grand total is below <see cref="Threshold"/> is not published at
/// all (<see cref="Published"/>), so that a few households cannot be told from none.
/// </summary>
public sealed class SuppressedTable
{
    /// <summary>Counts below this are never shown.</summary>
    public const int Threshold = 5;

    private readonly Dictionary<(string Status, int Year), int> cells;
    private readonly HashSet<(string Status, int Year)> hiddenCells = [];
    private readonly HashSet<string> hiddenStatusTotals = new(StringComparer.Ordinal);
    private readonly HashSet<int> hiddenYearTotals = [];
    private bool hiddenGrand;

    /// <summary>Builds and suppresses the table from non-zero counts.</summary>
    public SuppressedTable(IEnumerable<(string Status, int Year, int Count)> counts)
    {
        cells = counts.Where(c => c.Count > 0).ToDictionary(c => (c.Status, c.Year), c => c.Count);
        Statuses = cells.Keys.Select(k => k.Status).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Years = cells.Keys.Select(k => k.Year).Distinct().Order().ToList();
        Suppress();
    }

    /// <summary>
    /// The table of <paramref name="counts"/> as the public may see it, or null when it holds fewer than
    /// <see cref="Threshold"/> households in all (then it is left out, exactly as a district without any).
    /// </summary>
    public static SuppressedTable? Published(IEnumerable<(string Status, int Year, int Count)> counts)
    {
        var table = new SuppressedTable(counts);
        return table.cells.Values.Sum() < Threshold ? null : table;
    }

    /// <summary>Statuses with any household.</summary>
    public IReadOnlyList<string> Statuses { get; }

    /// <summary>Years with any household.</summary>
    public IReadOnlyList<int> Years { get; }

    /// <summary>A cell: null when suppressed.</summary>
    public int? Cell(string status, int year) => hiddenCells.Contains((status, year)) ? null : cells.GetValueOrDefault((status, year));

    /// <summary>Cells present (non-zero), in order.</summary>
    public IEnumerable<(string Status, int Year)> Keys => cells.Keys.OrderBy(k => k.Year).ThenBy(k => k.Status, StringComparer.Ordinal);

    /// <summary>A status total: null when suppressed.</summary>
    public int? StatusTotal(string status) => hiddenStatusTotals.Contains(status) ? null : StatusSum(status);

    /// <summary>A year total: null when suppressed.</summary>
    public int? YearTotal(int year) => hiddenYearTotals.Contains(year) ? null : YearSum(year);

    /// <summary>The grand total: null when suppressed.</summary>
    public int? GrandTotal => hiddenGrand ? null : cells.Values.Sum();

    private int StatusSum(string s) => cells.Where(c => c.Key.Status == s).Sum(c => c.Value);

    private int YearSum(int y) => cells.Where(c => c.Key.Year == y).Sum(c => c.Value);

    private void Suppress()
    {
        foreach (var (key, n) in cells)
        {
            if (n < Threshold)
            {
                hiddenCells.Add(key);
            }
        }

        foreach (var s in Statuses)
        {
            if (StatusSum(s) < Threshold)
            {
                hiddenStatusTotals.Add(s);
            }
        }

        foreach (var y in Years)
        {
            if (YearSum(y) < Threshold)
            {
                hiddenYearTotals.Add(y);
            }
        }

        if (cells.Values.Sum() is > 0 and < Threshold)
        {
            hiddenGrand = true;
        }

        bool changed;
        do
        {
            changed = false;
            foreach (var y in Years)
            {
                changed |= Protect(cells.Keys.Where(k => k.Year == y).ToList(), hiddenYearTotals.Contains(y), () => hiddenYearTotals.Add(y));
            }

            foreach (var s in Statuses)
            {
                changed |= Protect(cells.Keys.Where(k => k.Status == s).ToList(), hiddenStatusTotals.Contains(s), () => hiddenStatusTotals.Add(s));
            }

            changed |= ProtectMargin(Years.Select(y => (hiddenYearTotals.Contains(y), YearSum(y), (Action)(() => hiddenYearTotals.Add(y)))).ToList());
            changed |= ProtectMargin(Statuses.Select(s => (hiddenStatusTotals.Contains(s), StatusSum(s), (Action)(() => hiddenStatusTotals.Add(s)))).ToList());
        }
        while (changed);
    }

    private bool Protect(List<(string Status, int Year)> line, bool totalHidden, Action hideTotal)
    {
        var hidden = line.Where(hiddenCells.Contains).ToList();
        if (totalHidden || hidden.Count == 0 || (hidden.Count > 1 && hidden.Sum(k => cells[k]) >= Threshold))
        {
            return false;
        }

        var next = line.Where(k => !hiddenCells.Contains(k)).OrderBy(k => cells[k]).ThenBy(k => k.Year).ThenBy(k => k.Status, StringComparer.Ordinal).ToList();
        if (next.Count > 0)
        {
            hiddenCells.Add(next[0]);
        }
        else
        {
            hideTotal();
        }

        return true;
    }

    private bool ProtectMargin(List<(bool Hidden, int Sum, Action Hide)> margin)
    {
        var hidden = margin.Where(m => m.Hidden).ToList();
        if (hiddenGrand || hidden.Count == 0 || (hidden.Count > 1 && hidden.Sum(m => m.Sum) >= Threshold))
        {
            return false;
        }

        var next = margin.Where(m => !m.Hidden).OrderBy(m => m.Sum).ToList();
        if (next.Count > 0)
        {
            next[0].Hide();
        }
        else
        {
            hiddenGrand = true;
        }

        return true;
    }
}
