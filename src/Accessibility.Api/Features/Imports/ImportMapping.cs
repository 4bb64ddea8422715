using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Geo;

namespace Accessibility.Api.Features.Imports;

/// <summary>What a field map does with a source value its <see cref="FieldMap.Values"/> table does not list.</summary>
public enum UnmatchedValue
{
    /// <summary>The value passes through unchanged (and is then validated as it is).</summary>
    Pass,

    /// <summary>The row is skipped: counted, neither imported nor refused (only for <c>kind</c>).</summary>
    Skip,
}

/// <summary>
/// How one facility field or attribute is filled: from a column (optionally translated by a table), with a default for
/// empty cells, or a constant whatever the source says.
/// </summary>
/// <param name="Column">Source column or property, or null for a fixed value.</param>
/// <param name="Values">Source value → registry value; values not listed pass through unchanged (or skip the row, see <see cref="Unmatched"/>).</param>
/// <param name="Default">Used when the column is empty or absent (or always, without a column).</param>
public sealed record FieldMap(string? Column, IReadOnlyDictionary<string, string> Values, string? Default)
{
    /// <summary>The value of every row, whatever the source holds (a source that cannot say it, e.g. a kerb's ramp form).</summary>
    public string? Constant { get; init; }

    /// <summary>What a value the table does not list does.</summary>
    public UnmatchedValue Unmatched { get; init; }

    /// <summary>A fixed value (constant, or a default without a column).</summary>
    public static FieldMap Fixed(string value) => new(null, new Dictionary<string, string>(StringComparer.Ordinal), value);

    /// <summary>The registry value for a raw source value (null when there is none).</summary>
    public string? Resolve(string? raw)
    {
        if (Constant is not null)
        {
            return Constant;
        }

        if (string.IsNullOrWhiteSpace(raw))
        {
            return Default;
        }

        var trimmed = raw.Trim();
        return Values.TryGetValue(trimmed, out var mapped) ? mapped : trimmed;
    }

    /// <summary>Whether a row with this raw value is skipped (<see cref="UnmatchedValue.Skip"/>: empty without a default, or not in the table).</summary>
    public bool Skips(string? raw) =>
        Unmatched == UnmatchedValue.Skip && Constant is null
        && (string.IsNullOrWhiteSpace(raw) ? Default is null : !Values.ContainsKey(raw.Trim()));
}

/// <summary>
/// The mapping file of a facility import (format in <c>docs/import.md</c>): which columns (CSV) or
/// properties (GeoJSON) hold the geometry, external id, name, kind, status, managing unit and attributes.
/// </summary>
public sealed class ImportMapping
{
    /// <summary>csv or geojson; null to decide by the file's first character.</summary>
    public string? Format { get; private init; }

    /// <summary>Default source name.</summary>
    public string? Source { get; private init; }

    /// <summary>CRS of the coordinates (lon/lat, WKT or GeoJSON).</summary>
    public InputCrs Crs { get; private init; }

    /// <summary>CSV: longitude column.</summary>
    public string? Lon { get; private init; }

    /// <summary>CSV: latitude column.</summary>
    public string? Lat { get; private init; }

    /// <summary>CSV: WKT geometry column.</summary>
    public string? Wkt { get; private init; }

    /// <summary>CSV field separator.</summary>
    public char Delimiter { get; private init; } = ',';

    /// <summary>Column of the identifier in the source system (required: re-imports update by it).</summary>
    public required string ExternalId { get; init; }

    /// <summary>Name: a column, with an optional default or constant.</summary>
    public required FieldMap Name { get; init; }

    /// <summary>Kind.</summary>
    public required FieldMap Kind { get; init; }

    /// <summary>Status (default operational).</summary>
    public required FieldMap Status { get; init; }

    /// <summary>Managing unit, or null.</summary>
    public FieldMap? ManagingUnit { get; private init; }

    /// <summary>Attribute name → how it is filled.</summary>
    public IReadOnlyDictionary<string, FieldMap> Attributes { get; private init; } = new Dictionary<string, FieldMap>(StringComparer.Ordinal);

    /// <summary>Column holding a JSON object of attributes (as exports write them).</summary>
    public string? AttributesJson { get; private init; }

    /// <summary>Every column the mapping names (for the CSV header check).</summary>
    public IEnumerable<string> Columns()
    {
        string?[] fixedColumns = [Lon, Lat, Wkt, ExternalId, Name.Column, Kind.Column, Status.Column, ManagingUnit?.Column, AttributesJson];
        return fixedColumns.Concat(Attributes.Values.Select(a => a.Column)).OfType<string>().Distinct(StringComparer.Ordinal);
    }

    /// <summary>Parses a mapping file; null and a list of problems when it does not fit the format.</summary>
    public static (ImportMapping? Mapping, List<string> Errors) Parse(string json)
    {
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

        string? Text(string name)
        {
            var node = root[name];
            if (node is null)
            {
                return null;
            }

            if (node.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(node.GetValue<string>()))
            {
                errors.Add($"'{name}' must be a non-empty string.");
                return null;
            }

            return node.GetValue<string>();
        }

        FieldMap? Field(string name, string? fallback) => ParseField(root[name], name, fallback, errors);

        var format = Text("format")?.ToLowerInvariant();
        if (format is not (null or "csv" or "geojson"))
        {
            errors.Add("'format' must be csv or geojson.");
        }

        if (!InputCrsParser.TryParse(Text("crs"), out var crs))
        {
            errors.Add("'crs' must be WGS84, CGCS2000, GCJ02 or BD09.");
        }

        string? lon = null, lat = null, wkt = null;
        if (root["geometry"] is JsonObject geometry)
        {
            lon = geometry["lon"]?.GetValueKind() == JsonValueKind.String ? geometry["lon"]!.GetValue<string>() : null;
            lat = geometry["lat"]?.GetValueKind() == JsonValueKind.String ? geometry["lat"]!.GetValue<string>() : null;
            wkt = geometry["wkt"]?.GetValueKind() == JsonValueKind.String ? geometry["wkt"]!.GetValue<string>() : null;
            if (wkt is null && (lon is null || lat is null))
            {
                errors.Add("'geometry' needs either 'lon' and 'lat', or 'wkt'.");
            }
        }
        else if (root["geometry"] is not null)
        {
            errors.Add("'geometry' must be an object {lon, lat} or {wkt}.");
        }
        else if (format == "csv")
        {
            errors.Add("A CSV mapping needs 'geometry': {lon, lat} or {wkt}.");
        }

        var delimiter = Text("delimiter");
        if (delimiter is { Length: not 1 })
        {
            errors.Add("'delimiter' must be one character.");
        }

        var attributes = new Dictionary<string, FieldMap>(StringComparer.Ordinal);
        if (root["attributes"] is JsonObject attributeMap)
        {
            foreach (var (attribute, node) in attributeMap)
            {
                if (ParseField(node, "attributes." + attribute, null, errors) is { } field)
                {
                    attributes[attribute] = field;
                }
            }
        }
        else if (root["attributes"] is not null)
        {
            errors.Add("'attributes' must be an object: attribute name → column, or {column, values, default, constant}.");
        }

        var externalId = Text("externalId");
        if (externalId is null)
        {
            errors.Add("'externalId' (the column of the source's identifier) is required: re-imports update by it.");
        }

        var name = Field("name", null);
        if (name is null && root["name"] is null)
        {
            errors.Add("'name' is required: the column of the facility's name, or {column, default} / {constant}.");
        }

        var kind = Field("kind", null);
        if (kind is null && root["kind"] is null)
        {
            errors.Add("'kind' is required: a column, or {column, values, default}.");
        }

        if (kind is not null && kind.Unmatched == UnmatchedValue.Skip && kind.Column is null)
        {
            errors.Add("'kind.unmatched': \"skip\" needs a 'column' whose values decide.");
        }

        var status = Field("status", "operational");
        if (status?.Unmatched == UnmatchedValue.Skip || name?.Unmatched == UnmatchedValue.Skip || attributes.Values.Any(a => a.Unmatched == UnmatchedValue.Skip))
        {
            errors.Add("'unmatched': \"skip\" is only for 'kind' (a row of no facility kind is skipped).");
        }

        var managingUnit = Field("managingUnit", null);
        var mapping = new ImportMapping
        {
            Format = format,
            Source = Text("source"),
            Crs = crs,
            Lon = lon,
            Lat = lat,
            Wkt = wkt,
            Delimiter = delimiter is { Length: 1 } ? delimiter[0] : ',',
            ExternalId = externalId ?? "",
            Name = name ?? new FieldMap(null, new Dictionary<string, string>(StringComparer.Ordinal), null),
            Kind = kind ?? new FieldMap(null, new Dictionary<string, string>(StringComparer.Ordinal), null),
            Status = status!,
            ManagingUnit = managingUnit,
            Attributes = attributes,
            AttributesJson = Text("attributesJson"),
        };
        return errors.Count > 0 ? (null, errors) : (mapping, errors);
    }

    /// <summary>
    /// A field map: a column name, or <c>{column, values, default, constant, unmatched}</c>. Scalars (text, numbers,
    /// booleans) are taken as their text; attribute values are converted to the attribute's type when a row is mapped.
    /// </summary>
    private static FieldMap? ParseField(JsonNode? node, string name, string? fallback, List<string> errors)
    {
        var none = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null)
        {
            return fallback is null ? null : new FieldMap(null, none, fallback);
        }

        if (node.GetValueKind() == JsonValueKind.String && !string.IsNullOrWhiteSpace(node.GetValue<string>()))
        {
            return new FieldMap(node.GetValue<string>(), none, fallback);
        }

        if (node is not JsonObject o)
        {
            errors.Add($"'{name}' must be a column name or an object {{column, values, default, constant}}.");
            return null;
        }

        foreach (var (member, _) in o)
        {
            if (member is not ("column" or "values" or "default" or "constant" or "unmatched" or "$comment"))
            {
                errors.Add($"'{name}.{member}' is not a member of a field: column, values, default, constant, unmatched.");
            }
        }

        string? Scalar(string member)
        {
            var value = o[member];
            switch (value?.GetValueKind())
            {
                case null or JsonValueKind.Null:
                    return null;
                case JsonValueKind.String:
                    return value.GetValue<string>();
                case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                    return value.ToJsonString();
                default:
                    errors.Add($"'{name}.{member}' must be text, a number or true/false.");
                    return null;
            }
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (o["values"] is JsonObject table)
        {
            foreach (var (from, to) in table)
            {
                if (to?.GetValueKind() is JsonValueKind.String)
                {
                    values[from] = to.GetValue<string>();
                }
                else if (to?.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                {
                    values[from] = to.ToJsonString();
                }
                else
                {
                    errors.Add($"'{name}.values.{from}' must be text, a number or true/false.");
                }
            }
        }
        else if (o["values"] is not null)
        {
            errors.Add($"'{name}.values' must be an object: source value → registry value.");
        }

        var column = o["column"]?.GetValueKind() == JsonValueKind.String ? o["column"]!.GetValue<string>() : null;
        if (o["column"] is not null && string.IsNullOrWhiteSpace(column))
        {
            errors.Add($"'{name}.column' must be a non-empty string.");
        }

        var constant = Scalar("constant");
        var value = Scalar("default") ?? fallback;
        var unmatched = UnmatchedValue.Pass;
        switch (o["unmatched"]?.GetValueKind())
        {
            case null:
                break;
            case JsonValueKind.String when o["unmatched"]!.GetValue<string>() is "pass" or "skip":
                unmatched = o["unmatched"]!.GetValue<string>() == "skip" ? UnmatchedValue.Skip : UnmatchedValue.Pass;
                break;
            default:
                errors.Add($"'{name}.unmatched' must be \"pass\" (the default) or \"skip\".");
                break;
        }

        if (constant is not null && (column is not null || o["default"] is not null || values.Count > 0))
        {
            errors.Add($"'{name}.constant' fills every row alike: it takes no 'column', 'values' or 'default'.");
        }
        else if (column is null && value is null && constant is null)
        {
            errors.Add($"'{name}' needs a 'column', a 'default' or a 'constant'.");
        }

        return new FieldMap(column, values, value) { Constant = constant, Unmatched = unmatched };
    }
}
