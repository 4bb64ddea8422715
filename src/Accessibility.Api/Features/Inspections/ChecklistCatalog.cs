using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Accessibility.Api.Features.Facilities;

namespace Accessibility.Api.Features.Inspections;

/// <summary>The checklist of one facility kind.</summary>
/// <param name="Kind">Facility kind code from <c>data/facility-kinds.json</c>.</param>
/// <param name="Items">Items in display order.</param>
public sealed record Checklist(string Kind, IReadOnlyList<ChecklistItem> Items)
{
    /// <summary>The item with <paramref name="code"/>, or null.</summary>
    public ChecklistItem? Find(string code) => Items.FirstOrDefault(i => string.Equals(i.Code, code, StringComparison.Ordinal));
}

/// <summary>One checklist item: a measurement, a yes/no observation, or a photo.</summary>
/// <param name="Code">Unique within the kind.</param>
/// <param name="Labels">Display labels.</param>
/// <param name="Type"><c>measurement</c>, <c>observation</c> or <c>photo</c>.</param>
/// <param name="Quantity">Measured quantity (<c>slope</c>, <c>length</c>, <c>force</c>, <c>count</c>); measurements only.</param>
/// <param name="Unit">Canonical unit the value is stored and judged in.</param>
/// <param name="AcceptedUnits">Units an inspector may enter.</param>
/// <param name="PhysicalRange">Plausible values in the canonical unit; outside is a typing error (422), not a failure.</param>
/// <param name="Rules">Thresholds; the first whose <c>when</c> matches the facility applies. Empty: recorded, not judged.</param>
/// <param name="Clause">Clause of the code the threshold comes from.</param>
/// <param name="Confidence"><c>verified</c>, <c>notes</c>, <c>secondary</c> or <c>unconfirmed</c> (never judged).</param>
/// <param name="Severity">Severity of the defect a failure creates.</param>
/// <param name="Required">Whether an inspection must answer it.</param>
/// <param name="Attribute">Facility attribute the item measures, when there is one (pre-fills forms and demo data).</param>
public sealed record ChecklistItem(
    string Code,
    LocalizedText Labels,
    string Type,
    string? Quantity,
    string? Unit,
    IReadOnlyList<string> AcceptedUnits,
    NumericRange? PhysicalRange,
    IReadOnlyList<ChecklistRule> Rules,
    string? Clause,
    string Confidence,
    string Severity,
    bool Required,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Attribute);

/// <summary>An inclusive range.</summary>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
public sealed record NumericRange(double Min, double Max);

/// <summary>A threshold of an item. A rule with none of min, max, equals means "not judged in this case".</summary>
/// <param name="When">Facility attribute condition; null matches every facility.</param>
/// <param name="Min">Smallest passing value (inclusive), canonical unit.</param>
/// <param name="Max">Largest passing value (inclusive), canonical unit.</param>
/// <param name="EqualsValue">Passing answer of an observation.</param>
/// <param name="Text">The threshold as shown to the inspector.</param>
/// <param name="Clause">Clause, when it differs from the item's.</param>
/// <param name="Confidence">Confidence, when it differs from the item's.</param>
public sealed record ChecklistRule(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RuleCondition? When,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Min,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Max,
    [property: JsonPropertyName("equals"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? EqualsValue,
    LocalizedText Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Clause,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Confidence)
{
    /// <summary>Whether the rule sets a threshold at all.</summary>
    [JsonIgnore]
    public bool Judges => Min is not null || Max is not null || EqualsValue is not null;
}

/// <summary>A rule applies when the facility's <paramref name="Attribute"/> equals <paramref name="EqualsValue"/>.</summary>
/// <param name="Attribute">Attribute name of the facility kind.</param>
/// <param name="EqualsValue">A JSON string, number or boolean.</param>
public sealed record RuleCondition(string Attribute, [property: JsonPropertyName("equals")] JsonNode EqualsValue)
{
    /// <summary>Whether <paramref name="attributes"/> satisfy the condition.</summary>
    public bool Matches(JsonObject? attributes) =>
        attributes is not null && attributes.TryGetPropertyValue(Attribute, out var value) && value is not null
        && JsonNode.DeepEquals(value, EqualsValue);
}

/// <summary>
/// The inspection checklists of <c>data/checklists.json</c>, validated at start-up against the facility kinds:
/// every kind has a checklist, no unknown kind, every rule consistent with its item. A bad file stops the
/// service with an <see cref="InvalidDataException"/> that says where.
/// </summary>
public sealed class ChecklistCatalog
{
    /// <summary>Item types.</summary>
    public static readonly IReadOnlyList<string> ItemTypes = ["measurement", "observation", "photo"];

    /// <summary>Confidence levels, as in standards.md; <c>unconfirmed</c> is never judged.</summary>
    public static readonly IReadOnlyList<string> Confidences = ["verified", "notes", "secondary", "unconfirmed"];

    /// <summary>Defect severities, most severe first.</summary>
    public static readonly IReadOnlyList<string> Severities = ["critical", "major", "minor"];

    private readonly Dictionary<string, Checklist> byKind;

    private ChecklistCatalog(IReadOnlyList<Checklist> checklists, IReadOnlyDictionary<string, int> dueDays)
    {
        Checklists = checklists;
        DueDays = dueDays;
        byKind = checklists.ToDictionary(c => c.Kind, StringComparer.Ordinal);
    }

    /// <summary>Every checklist, in file order.</summary>
    public IReadOnlyList<Checklist> Checklists { get; }

    /// <summary>Days from an inspection to a defect's due date, by severity.</summary>
    public IReadOnlyDictionary<string, int> DueDays { get; }

    /// <summary>The checklist of <paramref name="kind"/>.</summary>
    public bool TryGet(string kind, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Checklist? checklist) =>
        byKind.TryGetValue(kind, out checklist);

    /// <summary>Loads and validates <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a consistent set of checklists.</exception>
    public static ChecklistCatalog Load(string path, FacilityKindCatalog kinds) =>
        Parse(File.ReadAllText(path), kinds, Path.GetFileName(path));

    /// <summary>Parses and validates checklist JSON.</summary>
    /// <exception cref="InvalidDataException">The text is not a consistent set of checklists.</exception>
    public static ChecklistCatalog Parse(string json, FacilityKindCatalog kinds, string where = "checklists")
    {
        ArgumentNullException.ThrowIfNull(kinds);
        FileDto file;
        try
        {
            file = JsonSerializer.Deserialize<FileDto>(json, FileJson) ?? throw new InvalidDataException($"{where}: empty file.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: not valid JSON ({ex.Message}).", ex);
        }

        var dueDays = file.DueDays ?? throw new InvalidDataException($"{where}: dueDays is missing.");
        foreach (var severity in Severities)
        {
            if (!dueDays.TryGetValue(severity, out var days) || days is < 1 or > 3650)
            {
                throw new InvalidDataException($"{where}: dueDays.{severity} must be 1 to 3650 days.");
            }
        }

        if (dueDays.Keys.FirstOrDefault(k => !Severities.Contains(k, StringComparer.Ordinal)) is { } unknownSeverity)
        {
            throw new InvalidDataException($"{where}: dueDays.{unknownSeverity} is not a severity ({string.Join(", ", Severities)}).");
        }

        var checklists = new List<Checklist>();
        foreach (var (dto, i) in (file.Checklists ?? throw new InvalidDataException($"{where}: checklists is missing.")).Select((c, i) => (c, i)))
        {
            var at = Invariant($"{where}: checklists[{i}]");
            if (dto.Kind is null || !kinds.TryGetPlannable(dto.Kind, out var kind))
            {
                throw new InvalidDataException($"{at}: unknown facility kind '{dto.Kind}'; expected one of {string.Join(", ", kinds.Kinds.Select(k => k.Code))}.");
            }

            if (checklists.Any(c => string.Equals(c.Kind, kind.Code, StringComparison.Ordinal)))
            {
                throw new InvalidDataException($"{at}: a second checklist for '{kind.Code}'.");
            }

            var items = (dto.Items ?? []).Select((item, j) => ToItem(item, kind, Invariant($"{at} ({kind.Code}).items[{j}]"))).ToList();
            if (items.Count == 0)
            {
                throw new InvalidDataException($"{at} ({kind.Code}): a checklist needs items.");
            }

            var duplicate = items.GroupBy(x => x.Code, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new InvalidDataException($"{at} ({kind.Code}): item code '{duplicate.Key}' appears twice.");
            }

            checklists.Add(new Checklist(kind.Code, items));
        }

        var missing = kinds.Kinds.Select(k => k.Code).Concat(kinds.RoadSegment is { } road ? [road.Code] : []).Where(k => !checklists.Any(c => string.Equals(c.Kind, k, StringComparison.Ordinal))).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{where}: no checklist for facility kind(s) {string.Join(", ", missing)}.");
        }

        return new ChecklistCatalog(checklists, new Dictionary<string, int>(dueDays, StringComparer.Ordinal));
    }

    private static ChecklistItem ToItem(ItemDto dto, FacilityKind kind, string at)
    {
        var code = dto.Code is { Length: > 0 } c && c.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_')
            ? c : throw new InvalidDataException($"{at}: code '{dto.Code}' must be lower snake_case.");
        at = $"{at} ({code})";
        var labels = dto.Labels is { Zh: { Length: > 0 } zh, En: { Length: > 0 } en }
            ? new LocalizedText(zh, en) : throw new InvalidDataException($"{at}: labels need zh and en.");
        var type = dto.Type is not null && ItemTypes.Contains(dto.Type, StringComparer.Ordinal)
            ? dto.Type : throw new InvalidDataException($"{at}: type '{dto.Type}' must be one of {string.Join(", ", ItemTypes)}.");
        var confidence = dto.Confidence is not null && Confidences.Contains(dto.Confidence, StringComparer.Ordinal)
            ? dto.Confidence : throw new InvalidDataException($"{at}: confidence '{dto.Confidence}' must be one of {string.Join(", ", Confidences)}.");
        var severity = dto.Severity is not null && Severities.Contains(dto.Severity, StringComparer.Ordinal)
            ? dto.Severity : throw new InvalidDataException($"{at}: severity '{dto.Severity}' must be one of {string.Join(", ", Severities)}.");
        if (dto.Attribute is not null && kind.FindAttribute(dto.Attribute) is null)
        {
            throw new InvalidDataException($"{at}: attribute '{dto.Attribute}' is not an attribute of '{kind.Code}'.");
        }

        var rules = dto.Rules ?? [];
        NumericRange? range = null;
        IReadOnlyList<string> accepted = [];
        if (type == "measurement")
        {
            if (dto.Quantity is null || !Units.Quantities.Contains(dto.Quantity, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"{at}: quantity '{dto.Quantity}' must be one of {string.Join(", ", Units.Quantities)}.");
            }

            if (dto.Unit is null || !Units.CanonicalUnits(dto.Quantity).Contains(dto.Unit, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"{at}: unit '{dto.Unit}' is not a unit of {dto.Quantity} ({string.Join(", ", Units.CanonicalUnits(dto.Quantity))}).");
            }

            accepted = dto.AcceptedUnits is { Count: > 0 } list ? list : [dto.Unit];
            var allowed = Units.AcceptedUnits(dto.Quantity);
            if (accepted.FirstOrDefault(u => !allowed.Contains(u, StringComparer.Ordinal)) is { } badUnit)
            {
                throw new InvalidDataException($"{at}: accepted unit '{badUnit}' is not a unit of {dto.Quantity} ({string.Join(", ", allowed)}).");
            }

            if (dto.PhysicalRange is not { Min: { } min, Max: { } max } || !double.IsFinite(min) || !double.IsFinite(max) || min > max)
            {
                throw new InvalidDataException($"{at}: a measurement needs physicalRange {{min, max}} with min ≤ max.");
            }

            range = new NumericRange(min, max);
        }
        else if (dto.Quantity is not null || dto.Unit is not null || dto.PhysicalRange is not null || dto.AcceptedUnits is { Count: > 0 })
        {
            throw new InvalidDataException($"{at}: quantity, unit, acceptedUnits and physicalRange apply to measurements only.");
        }

        if (type == "photo" && rules.Count > 0)
        {
            throw new InvalidDataException($"{at}: a photo item is never judged; remove its rules.");
        }

        if (confidence == "unconfirmed" && rules.Count > 0)
        {
            throw new InvalidDataException($"{at}: an unconfirmed threshold is recorded, never judged; remove its rules or confirm the threshold.");
        }

        if (rules.Count > 0 && string.IsNullOrWhiteSpace(dto.Clause))
        {
            throw new InvalidDataException($"{at}: a judged item needs the clause its threshold comes from.");
        }

        var checkedRules = rules.Select((r, k) => ToRule(r, type, range, kind, Invariant($"{at}.rules[{k}]"))).ToList();
        return new ChecklistItem(code, labels, type, dto.Quantity, dto.Unit, accepted, range, checkedRules, dto.Clause, confidence, severity,
            dto.Required ?? false, dto.Attribute);
    }

    private static ChecklistRule ToRule(RuleDto dto, string type, NumericRange? range, FacilityKind kind, string at)
    {
        var text = dto.Text is { Zh: { Length: > 0 } zh, En: { Length: > 0 } en }
            ? new LocalizedText(zh, en) : throw new InvalidDataException($"{at}: text needs zh and en.");
        RuleCondition? when = null;
        if (dto.When is not null)
        {
            var attribute = dto.When.Attribute is { } name ? kind.FindAttribute(name) : null;
            if (attribute is null)
            {
                throw new InvalidDataException($"{at}: when.attribute '{dto.When.Attribute}' is not an attribute of '{kind.Code}'.");
            }

            if (dto.When.EqualsValue is not { } expected || expected.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                throw new InvalidDataException($"{at}: when.equals must be a string, number or boolean.");
            }

            if (attribute.Type == AttributeValueType.Enum
                && (expected.GetValueKind() != JsonValueKind.String || !attribute.Values.Any(v => string.Equals(v.Code, expected.GetValue<string>(), StringComparison.Ordinal))))
            {
                throw new InvalidDataException($"{at}: when.equals {expected.ToJsonString()} is not a value of '{attribute.Name}' ({string.Join(", ", attribute.Values.Select(v => v.Code))}).");
            }

            when = new RuleCondition(attribute.Name, expected.DeepClone());
        }

        if (dto.Confidence is not null && !Confidences.Contains(dto.Confidence, StringComparer.Ordinal) || dto.Confidence == "unconfirmed")
        {
            throw new InvalidDataException($"{at}: confidence '{dto.Confidence}' must be verified, notes or secondary.");
        }

        if (type == "observation")
        {
            if (dto.Min is not null || dto.Max is not null)
            {
                throw new InvalidDataException($"{at}: an observation is judged by equals (true/false), not min/max.");
            }
        }
        else
        {
            if (dto.EqualsValue is not null)
            {
                throw new InvalidDataException($"{at}: a measurement is judged by min/max, not equals.");
            }

            foreach (var (name, bound) in new[] { ("min", dto.Min), ("max", dto.Max) })
            {
                if (bound is { } b && (!double.IsFinite(b) || b < range!.Min || b > range.Max))
                {
                    throw new InvalidDataException(Invariant($"{at}: {name} {b} lies outside the item's physical range {range!.Min}..{range.Max}."));
                }
            }

            if (dto.Min > dto.Max)
            {
                throw new InvalidDataException($"{at}: min is greater than max.");
            }
        }

        return new ChecklistRule(when, dto.Min, dto.Max, dto.EqualsValue, text, dto.Clause, dto.Confidence);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    // File shape; nullable everywhere so that a missing field gets a clear message above.
    private sealed class FileDto
    {
        public Dictionary<string, int>? DueDays { get; set; }

        public List<ChecklistDto>? Checklists { get; set; }
    }

    private sealed class ChecklistDto
    {
        public string? Kind { get; set; }

        public List<ItemDto>? Items { get; set; }
    }

    private sealed class TextDto
    {
        public string? Zh { get; set; }

        public string? En { get; set; }
    }

    private sealed class RangeDto
    {
        public double? Min { get; set; }

        public double? Max { get; set; }
    }

    private sealed class ItemDto
    {
        public string? Code { get; set; }

        public TextDto? Labels { get; set; }

        public string? Type { get; set; }

        public string? Quantity { get; set; }

        public string? Unit { get; set; }

        public List<string>? AcceptedUnits { get; set; }

        public RangeDto? PhysicalRange { get; set; }

        public List<RuleDto>? Rules { get; set; }

        public string? Clause { get; set; }

        public string? Confidence { get; set; }

        public string? Severity { get; set; }

        public bool? Required { get; set; }

        public string? Attribute { get; set; }
    }

    private sealed class WhenDto
    {
        public string? Attribute { get; set; }

        [JsonPropertyName("equals")]
        public JsonNode? EqualsValue { get; set; }
    }

    private sealed class RuleDto
    {
        public WhenDto? When { get; set; }

        public double? Min { get; set; }

        public double? Max { get; set; }

        [JsonPropertyName("equals")]
        public bool? EqualsValue { get; set; }

        public TextDto? Text { get; set; }

        public string? Clause { get; set; }

        public string? Confidence { get; set; }
    }
}
