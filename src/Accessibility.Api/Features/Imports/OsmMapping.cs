using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Accessibility.Api.Features.Facilities;

namespace Accessibility.Api.Features.Imports;

/// <summary>The kinds of OpenStreetMap element.</summary>
public enum OsmElementType
{
    /// <summary>A point.</summary>
    Node,

    /// <summary>An ordered list of nodes: a line, or an area when closed.</summary>
    Way,

    /// <summary>A group of elements (multipolygons, routes); not imported.</summary>
    Relation,
}

/// <summary>Where a value comes from: one tag through a table or a reader, or a fixed value.</summary>
/// <param name="Tag">OSM key, or null for a fixed value.</param>
/// <param name="Table">OSM value → registry value; values not listed give nothing.</param>
/// <param name="Read">How to read the tag's text (text, integer, number, length, incline), when there is no table.</param>
/// <param name="Fixed">The fixed value.</param>
public sealed record OsmValueSource(string? Tag, IReadOnlyDictionary<string, JsonNode?>? Table, string? Read, JsonNode? Fixed);

/// <summary>One rule of an OSM mapping: which elements it takes, their kind, status and attributes.</summary>
/// <param name="Kind">Facility kind code.</param>
/// <param name="Elements">Element types the rule applies to.</param>
/// <param name="Tags">Every key must have one of its values (null = any value).</param>
/// <param name="AnyTags">Groups: in each group at least one key must have one of its values.</param>
/// <param name="NotTags">No key may have one of its values.</param>
/// <param name="Status">Sources of the status, first that gives a value wins (default operational).</param>
/// <param name="Attributes">Attribute name → its sources, first that gives a value wins.</param>
public sealed record OsmRule(
    string Kind,
    IReadOnlySet<OsmElementType> Elements,
    IReadOnlyList<KeyValuePair<string, IReadOnlySet<string>?>> Tags,
    IReadOnlyList<IReadOnlyList<KeyValuePair<string, IReadOnlySet<string>?>>> AnyTags,
    IReadOnlyList<KeyValuePair<string, IReadOnlySet<string>?>> NotTags,
    IReadOnlyList<OsmValueSource> Status,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<OsmValueSource>>> Attributes);

/// <summary>What a rule made of an element's tags, before the kind catalog validates it.</summary>
/// <param name="Name">Name from the name tags, else the kind's Chinese name.</param>
/// <param name="Status">Status code.</param>
/// <param name="ManagingUnit">From the managing-unit tags, or null.</param>
/// <param name="Attributes">Attributes read from the tags.</param>
/// <param name="Problems">Tags whose values could not be read: (field, reason).</param>
public sealed record OsmMapped(string Name, string Status, string? ManagingUnit, JsonObject Attributes, IReadOnlyList<(string Field, string Reason)> Problems);

/// <summary>
/// The tag mapping of an OpenStreetMap import (<c>data/import-mappings/osm.json</c>, format in <c>docs/import.md</c>):
/// rules that turn an element's tags into a facility kind, status and attributes. Data, so a county can adjust it.
/// </summary>
public sealed partial class OsmMapping
{
    /// <summary>File name of the default mapping under the data folder.</summary>
    public const string DefaultFile = "import-mappings/osm.json";

    private OsmMapping(string? source, IReadOnlyList<string> nameTags, IReadOnlyList<string> managingUnitTags, IReadOnlyList<OsmRule> rules)
    {
        Source = source;
        NameTags = nameTags;
        ManagingUnitTags = managingUnitTags;
        Rules = rules;
    }

    /// <summary>Default source name (osm).</summary>
    public string? Source { get; }

    /// <summary>Tags tried in order for the name.</summary>
    public IReadOnlyList<string> NameTags { get; }

    /// <summary>Tags tried in order for the managing unit.</summary>
    public IReadOnlyList<string> ManagingUnitTags { get; }

    /// <summary>Rules in order; the first that matches decides.</summary>
    public IReadOnlyList<OsmRule> Rules { get; }

    /// <summary>Whether a mapping file's text declares <c>"format": "osm"</c>.</summary>
    public static bool IsOsmMapping(string json)
    {
        try
        {
            return JsonNode.Parse(json) is JsonObject o && o["format"]?.GetValueKind() == JsonValueKind.String
                && string.Equals(o["format"]!.GetValue<string>(), "osm", StringComparison.OrdinalIgnoreCase);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The first rule whose tag conditions an element of <paramref name="type"/> meets, or null.</summary>
    /// <param name="type">Element type.</param>
    /// <param name="tag">Looks a key up: its value, or null.</param>
    public OsmRule? Match(OsmElementType type, Func<string, string?> tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        foreach (var rule in Rules)
        {
            if (rule.Elements.Contains(type)
                && rule.Tags.All(c => Has(tag, c))
                && rule.AnyTags.All(group => group.Any(c => Has(tag, c)))
                && !rule.NotTags.Any(c => Has(tag, c)))
            {
                return rule;
            }
        }

        return null;
    }

    private static bool Has(Func<string, string?> tag, KeyValuePair<string, IReadOnlySet<string>?> condition)
    {
        var value = tag(condition.Key);
        return value is not null && (condition.Value is null || condition.Value.Contains(value));
    }

    /// <summary>Reads the name, status, managing unit and attributes of an element that <paramref name="rule"/> matched.</summary>
    public OsmMapped Apply(OsmRule rule, FacilityKind kind, Func<string, string?> tag)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(tag);
        var problems = new List<(string, string)>();
        var name = NameTags.Select(tag).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim() ?? kind.Names.Zh;
        var managingUnit = ManagingUnitTags.Select(tag).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
        var status = Resolve(rule.Status, null, tag, problems) is { } s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : "operational";
        var attributes = new JsonObject();
        foreach (var (attribute, sources) in rule.Attributes)
        {
            if (Resolve(sources, kind.FindAttribute(attribute), tag, problems) is { } value)
            {
                attributes[attribute] = value;
            }
        }

        return new OsmMapped(name, status, managingUnit, attributes, problems);
    }

    private static JsonNode? Resolve(IReadOnlyList<OsmValueSource> sources, AttributeDefinition? definition, Func<string, string?> tag, List<(string, string)> problems)
    {
        foreach (var source in sources)
        {
            if (source.Tag is null)
            {
                return source.Fixed?.DeepClone();
            }

            var raw = tag(source.Tag)?.Trim();
            if (string.IsNullOrEmpty(raw))
            {
                continue;
            }

            if (source.Table is not null)
            {
                if (source.Table.TryGetValue(raw, out var mapped))
                {
                    return mapped?.DeepClone();
                }

                continue;
            }

            var (value, problem) = ReadValue(raw, source.Read ?? "text", definition);
            if (problem is not null)
            {
                problems.Add(("tags." + source.Tag, problem));
                return null;
            }

            if (value is not null)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Reads a tag's text as the reader says; (null, null) when the text carries no value (incline=up).</summary>
    private static (JsonNode? Value, string? Problem) ReadValue(string raw, string read, AttributeDefinition? definition)
    {
        switch (read)
        {
            case "integer":
                return long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer)
                    ? (JsonValue.Create(integer), null)
                    : (null, $"Cannot read '{Clip(raw)}' as a whole number.");
            case "number":
                return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
                    ? (JsonValue.Create(number), null)
                    : (null, $"Cannot read '{Clip(raw)}' as a number.");
            case "length":
                if (ReadMetres(raw) is not { } metres)
                {
                    return (null, $"Cannot read '{Clip(raw)}' as a length: metres (0.9), or with a unit (90 cm, 900 mm, 3'6\").");
                }

                return definition?.Unit switch
                {
                    "mm" when definition.Type == AttributeValueType.Integer => (JsonValue.Create((long)Math.Round(metres * 1000, MidpointRounding.AwayFromZero)), null),
                    "mm" => (JsonValue.Create(metres * 1000), null),
                    _ => (JsonValue.Create(Math.Round(metres, 3)), null),
                };
            case "incline":
                return ReadIncline(raw);
            default:
                return (JsonValue.Create(raw), null);
        }
    }

    /// <summary>OSM lengths: metres by default; m, cm, mm, km, or feet and inches (3'6").</summary>
    private static double? ReadMetres(string raw)
    {
        var metric = MetricLength().Match(raw);
        if (metric.Success)
        {
            var value = double.Parse(metric.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            return metric.Groups[2].Value switch
            {
                "cm" => value / 100,
                "mm" => value / 1000,
                "km" => value * 1000,
                _ => value,
            };
        }

        var imperial = ImperialLength().Match(raw);
        if (imperial.Success)
        {
            var feet = double.Parse(imperial.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            var inches = imperial.Groups[2].Success ? double.Parse(imperial.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture) : 0;
            return (feet * 0.3048) + (inches * 0.0254);
        }

        return null;
    }

    /// <summary>incline=*: percent by default (8%, -8), or degrees (4.5°) → rise/run; up/down/yes/no carry no number.</summary>
    private static (JsonNode? Value, string? Problem) ReadIncline(string raw)
    {
        if (raw is "up" or "down" or "yes" or "no")
        {
            return (null, null);
        }

        var match = Incline().Match(raw);
        if (!match.Success)
        {
            return (null, $"Cannot read '{Clip(raw)}' as an incline: percent (8%, -5) or degrees (4.5°).");
        }

        var value = Math.Abs(double.Parse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture));
        var ratio = match.Groups[2].Value == "°" ? Math.Tan(value * Math.PI / 180) : value / 100;
        return (JsonValue.Create(Math.Round(ratio, 4)), null);
    }

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*(m|cm|mm|km)?$", RegexOptions.CultureInvariant)]
    private static partial Regex MetricLength();

    [GeneratedRegex("^([0-9]+)'(?:\\s*([0-9]+(?:\\.[0-9]+)?)\")?$", RegexOptions.CultureInvariant)]
    private static partial Regex ImperialLength();

    [GeneratedRegex(@"^([+-]?[0-9]+(?:\.[0-9]+)?)\s*(%|°)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Incline();

    /// <summary>Parses an OSM mapping and checks its kinds, statuses and attributes against the catalog.</summary>
    /// <returns>The mapping, or null and the problems found.</returns>
    public static (OsmMapping? Mapping, List<string> Errors) Parse(string json, FacilityKindCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = new List<string>();
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException ex)
        {
            return (null, ["The mapping is not valid JSON: " + ex.Message]);
        }

        if (root is null)
        {
            return (null, ["The mapping must be a JSON object."]);
        }

        var tables = new Dictionary<string, IReadOnlyDictionary<string, JsonNode?>>(StringComparer.Ordinal);
        if (root["tables"] is JsonObject tableObject)
        {
            foreach (var (name, table) in tableObject)
            {
                if (table is JsonObject t)
                {
                    tables[name] = ReadTable(t);
                }
                else if (!name.StartsWith('$'))
                {
                    errors.Add($"'tables.{name}' must be an object: OSM value → registry value.");
                }
            }
        }

        var rules = new List<OsmRule>();
        if (root["rules"] is not JsonArray ruleArray || ruleArray.Count == 0)
        {
            errors.Add("'rules' must be a non-empty array of rules.");
        }
        else
        {
            for (var i = 0; i < ruleArray.Count; i++)
            {
                if (ParseRule(ruleArray[i], $"rules[{i}]", tables, catalog, errors) is { } rule)
                {
                    rules.Add(rule);
                }
            }
        }

        var source = root["source"]?.GetValueKind() == JsonValueKind.String ? root["source"]!.GetValue<string>() : null;
        var mapping = new OsmMapping(source, Strings(root["name"], "name", errors) ?? ["name:zh", "name"], Strings(root["managingUnit"], "managingUnit", errors) ?? [], rules);
        return errors.Count > 0 ? (null, errors) : (mapping, errors);
    }

    private static IReadOnlyDictionary<string, JsonNode?> ReadTable(JsonObject table) =>
        table.Where(p => !p.Key.StartsWith('$')).ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);

    private static List<string>? Strings(JsonNode? node, string path, List<string> errors)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return [v.GetValue<string>()];
            case JsonArray a when a.All(x => x?.GetValueKind() == JsonValueKind.String):
                return a.Select(x => x!.GetValue<string>()).ToList();
            default:
                errors.Add($"'{path}' must be a tag or a list of tags.");
                return null;
        }
    }

    private static OsmRule? ParseRule(JsonNode? node, string path, Dictionary<string, IReadOnlyDictionary<string, JsonNode?>> tables, FacilityKindCatalog catalog, List<string> errors)
    {
        if (node is not JsonObject rule)
        {
            errors.Add($"'{path}' must be an object.");
            return null;
        }

        var before = errors.Count;
        var kindCode = rule["kind"]?.GetValueKind() == JsonValueKind.String ? rule["kind"]!.GetValue<string>() : null;
        FacilityKind? kind = null;
        if (kindCode is null)
        {
            errors.Add($"'{path}.kind' is required.");
        }
        else if (!catalog.TryGet(kindCode, out kind))
        {
            errors.Add($"'{path}.kind': unknown facility kind '{kindCode}'. Expected one of: {string.Join(", ", catalog.Kinds.Select(k => k.Code))}.");
        }

        var elements = new HashSet<OsmElementType>();
        foreach (var element in Strings(rule["elements"], path + ".elements", errors) ?? ["node", "way"])
        {
            switch (element)
            {
                case "node":
                    elements.Add(OsmElementType.Node);
                    break;
                case "way":
                    elements.Add(OsmElementType.Way);
                    break;
                default:
                    errors.Add($"'{path}.elements': '{element}' must be node or way (relations are not imported).");
                    break;
            }
        }

        var tags = Conditions(rule["tags"], path + ".tags", errors);
        var anyTags = new List<IReadOnlyList<KeyValuePair<string, IReadOnlySet<string>?>>>();
        switch (rule["anyTags"])
        {
            case null:
                break;
            case JsonArray groups:
                for (var g = 0; g < groups.Count; g++)
                {
                    anyTags.Add(Conditions(groups[g], $"{path}.anyTags[{g}]", errors));
                }

                break;
            default:
                anyTags.Add(Conditions(rule["anyTags"], path + ".anyTags", errors));
                break;
        }

        if (tags.Count == 0 && anyTags.Count == 0)
        {
            errors.Add($"'{path}' needs 'tags' or 'anyTags': a rule without conditions would take every element.");
        }

        var notTags = Conditions(rule["notTags"], path + ".notTags", errors);
        var status = Sources(rule["status"], path + ".status", tables, errors);
        foreach (var value in status.SelectMany(s => s.Table?.Values ?? (s.Fixed is null ? [] : [s.Fixed])))
        {
            if (value?.GetValueKind() != JsonValueKind.String || !catalog.IsStatus(value.GetValue<string>()))
            {
                errors.Add($"'{path}.status': '{value?.ToJsonString()}' is not a status. Expected one of: {string.Join(", ", catalog.Statuses.Select(s => s.Code))}.");
            }
        }

        var attributes = new List<KeyValuePair<string, IReadOnlyList<OsmValueSource>>>();
        if (rule["attributes"] is JsonObject attributeObject)
        {
            foreach (var (attribute, sources) in attributeObject)
            {
                if (kind is not null && kind.FindAttribute(attribute) is null)
                {
                    errors.Add($"'{path}.attributes.{attribute}': kind {kind.Code} has no attribute '{attribute}'.");
                }

                attributes.Add(new(attribute, Sources(sources, $"{path}.attributes.{attribute}", tables, errors)));
            }
        }
        else if (rule["attributes"] is not null)
        {
            errors.Add($"'{path}.attributes' must be an object: attribute → source(s).");
        }

        return errors.Count > before || kind is null
            ? null
            : new OsmRule(kind.Code, elements, tags, anyTags, notTags, status, attributes);
    }

    private static List<KeyValuePair<string, IReadOnlySet<string>?>> Conditions(JsonNode? node, string path, List<string> errors)
    {
        var conditions = new List<KeyValuePair<string, IReadOnlySet<string>?>>();
        if (node is null)
        {
            return conditions;
        }

        if (node is not JsonObject o)
        {
            errors.Add($"'{path}' must be an object: key → list of values ('*' for any).");
            return conditions;
        }

        foreach (var (key, values) in o)
        {
            var list = Strings(values, $"{path}.{key}", errors);
            if (list is null)
            {
                continue;
            }

            conditions.Add(new(key, list.Contains("*") ? null : list.ToHashSet(StringComparer.Ordinal)));
        }

        return conditions;
    }

    private static List<OsmValueSource> Sources(JsonNode? node, string path, Dictionary<string, IReadOnlyDictionary<string, JsonNode?>> tables, List<string> errors)
    {
        var list = new List<OsmValueSource>();
        var items = node switch
        {
            null => [],
            JsonArray a => a.ToList(),
            _ => [node],
        };
        foreach (var item in items)
        {
            if (item is not JsonObject o)
            {
                errors.Add($"'{path}' must be a source {{tag, values | read}} or {{value}}, or a list of them.");
                continue;
            }

            if (o.ContainsKey("value"))
            {
                list.Add(new OsmValueSource(null, null, null, o["value"]?.DeepClone()));
                continue;
            }

            var tag = o["tag"]?.GetValueKind() == JsonValueKind.String ? o["tag"]!.GetValue<string>() : null;
            if (tag is null)
            {
                errors.Add($"'{path}' needs a 'tag' or a 'value'.");
                continue;
            }

            IReadOnlyDictionary<string, JsonNode?>? table = null;
            switch (o["values"])
            {
                case null:
                    break;
                case JsonObject inline:
                    table = ReadTable(inline);
                    break;
                case JsonValue named when named.GetValueKind() == JsonValueKind.String:
                    if (!tables.TryGetValue(named.GetValue<string>(), out table))
                    {
                        errors.Add($"'{path}': no table '{named.GetValue<string>()}' under 'tables'.");
                    }

                    break;
                default:
                    errors.Add($"'{path}.values' must be a table or the name of one under 'tables'.");
                    break;
            }

            var read = o["read"]?.GetValueKind() == JsonValueKind.String ? o["read"]!.GetValue<string>() : null;
            if (read is not (null or "text" or "integer" or "number" or "length" or "incline"))
            {
                errors.Add($"'{path}.read' must be text, integer, number, length or incline.");
            }

            list.Add(new OsmValueSource(tag, table, read, null));
        }

        return list;
    }
}
