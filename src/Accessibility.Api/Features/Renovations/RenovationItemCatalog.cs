using System.Text.Json;
using Accessibility.Api.Features.Facilities;

namespace Accessibility.Api.Features.Renovations;

/// <summary>The renovation items, barriers and disability categories of <c>data/renovation-items.json</c>.</summary>
public sealed class RenovationItemCatalog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Loads the catalogue file.</summary>
    public RenovationItemCatalog(string path)
    {
        using var stream = File.OpenRead(path);
        var file = JsonSerializer.Deserialize<RenovationCatalogFile>(stream, Json)
            ?? throw new InvalidDataException(path + " is empty.");
        File_ = file;
        var barriers = file.Barriers.Select(b => b.Code).ToHashSet(StringComparer.Ordinal);
        var categories = file.DisabilityCategories.Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var item in file.Items)
        {
            if (item.UnitCost < 0 || item.Barriers.Any(b => !barriers.Contains(b)) || item.Serves.Any(s => !categories.Contains(s)))
            {
                throw new InvalidDataException($"{path}: item {item.Code} has a negative cost or an unknown barrier or category.");
            }
        }
    }

    /// <summary>The whole file, as served by <c>GET /api/v1/renovations/items</c>.</summary>
    public RenovationCatalogFile File_ { get; }

    /// <summary>Whether a barrier code is known.</summary>
    public bool IsBarrier(string code) => File_.Barriers.Any(b => b.Code == code);

    /// <summary>Whether a disability category is known.</summary>
    public bool IsCategory(string code) => File_.DisabilityCategories.Any(b => b.Code == code);

    /// <summary>The item with this code, or null.</summary>
    public RenovationItem? Item(string code) => File_.Items.FirstOrDefault(i => i.Code == code);

    /// <summary>
    /// Items suggested by an assessment: those that remove a recorded barrier and serve the person's
    /// disability category (multiple disabilities: every item for the barrier). The planner decides.
    /// </summary>
    public IReadOnlyList<ItemSuggestion> Suggest(IReadOnlyCollection<string> barriers, string category)
    {
        ArgumentNullException.ThrowIfNull(barriers);
        return File_.Items
            .Select(item => (item, matched: item.Barriers.Where(barriers.Contains).ToArray()))
            .Where(x => x.matched.Length > 0 && (category == "multiple" || x.item.Serves.Contains(category, StringComparer.Ordinal)))
            .Select(x => new ItemSuggestion(x.item.Code, x.item.Labels, x.item.Unit, x.item.UnitCost, x.matched, x.item.Standard))
            .ToList();
    }
}

/// <summary>The catalogue file.</summary>
/// <param name="Source">Where the catalogue comes from.</param>
/// <param name="Currency">Currency of the unit costs.</param>
/// <param name="Barriers">Barriers a needs assessment records.</param>
/// <param name="DisabilityCategories">Disability categories.</param>
/// <param name="Items">Renovation items.</param>
public sealed record RenovationCatalogFile(
    string Source, string Currency, IReadOnlyList<RenovationCode> Barriers, IReadOnlyList<RenovationCode> DisabilityCategories, IReadOnlyList<RenovationItem> Items);

/// <summary>A code with labels.</summary>
/// <param name="Code">Code.</param>
/// <param name="Labels">zh and en labels.</param>
public sealed record RenovationCode(string Code, LocalizedText Labels);

/// <summary>A renovation item.</summary>
/// <param name="Code">Code.</param>
/// <param name="Labels">zh and en labels.</param>
/// <param name="Unit">Unit (处, 套…).</param>
/// <param name="UnitCost">Indicative unit cost in yuan.</param>
/// <param name="Barriers">Barriers it removes.</param>
/// <param name="Serves">Disability categories it serves.</param>
/// <param name="Standard">The standard and clause it must meet, or null.</param>
public sealed record RenovationItem(
    string Code, LocalizedText Labels, string Unit, decimal UnitCost, IReadOnlyList<string> Barriers, IReadOnlyList<string> Serves, string? Standard);

/// <summary>A suggested item with the barriers it answers.</summary>
/// <param name="Code">Item code.</param>
/// <param name="Labels">Labels.</param>
/// <param name="Unit">Unit.</param>
/// <param name="UnitCost">Indicative unit cost.</param>
/// <param name="ForBarriers">Recorded barriers it removes.</param>
/// <param name="Standard">Standard it must meet.</param>
public sealed record ItemSuggestion(string Code, LocalizedText Labels, string Unit, decimal UnitCost, IReadOnlyList<string> ForBarriers, string? Standard);
