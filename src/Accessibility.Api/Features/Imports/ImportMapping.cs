using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Geo;

namespace Accessibility.Api.Features.Imports;

/// <summary>How one facility field is filled: from a column (optionally translated by a table), or a fixed value.</summary>
/// <param name="Column">Source column or property, or null for a fixed value.</param>
/// <param name="Values">Source value → registry code; values not listed pass through unchanged.</param>
/// <param name="Default">Used when the column is empty or absent (or always, without a column).</param>
public sealed record FieldMap(string? Column, IReadOnlyDictionary<string, string> Values, string? Default)
{
    /// <summary>The registry value for a raw source value (null when there is none).</summary>
    public string? Resolve(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return Default;
        }

        var trimmed = raw.Trim();
        return Values.TryGetValue(trimmed, out var mapped) ? mapped : trimmed;
    }
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

    /// <summary>Column of the name.</summary>
    public required string Name { get; init; }

    /// <summary>Kind.</summary>
    public required FieldMap Kind { get; init; }

    /// <summary>Status (default operational).</summary>
    public required FieldMap Status { get; init; }

    /// <summary>Column of the managing unit.</summary>
    public string? ManagingUnit { get; private init; }

    /// <summary>Attribute name → column.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; private init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Column holding a JSON object of attributes (as exports write them).</summary>
    public string? AttributesJson { get; private init; }

    /// <summary>Every column the mapping names (for the CSV header check).</summary>
    public IEnumerable<string> Columns()
    {
        string?[] fixedColumns = [Lon, Lat, Wkt, ExternalId, Name, Kind.Column, Status.Column, ManagingUnit, AttributesJson];
        return fixedColumns.Concat(Attributes.Values).OfType<string>().Distinct(StringComparer.Ordinal);
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

        FieldMap? Field(string name, string? fallback)
        {
            var node = root[name];
            if (node is null)
            {
                return fallback is null ? null : new FieldMap(null, new Dictionary<string, string>(StringComparer.Ordinal), fallback);
            }

            if (node.GetValueKind() == JsonValueKind.String)
            {
                return new FieldMap(node.GetValue<string>(), new Dictionary<string, string>(StringComparer.Ordinal), fallback);
            }

            if (node is not JsonObject o)
            {
                errors.Add($"'{name}' must be a column name or an object {{column, values, default}}.");
                return null;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            if (o["values"] is JsonObject table)
            {
                foreach (var (from, to) in table)
                {
                    if (to?.GetValueKind() == JsonValueKind.String)
                    {
                        values[from] = to.GetValue<string>();
                    }
                    else
                    {
                        errors.Add($"'{name}.values.{from}' must be a string.");
                    }
                }
            }

            var column = o["column"]?.GetValueKind() == JsonValueKind.String ? o["column"]!.GetValue<string>() : null;
            var value = o["default"]?.GetValueKind() == JsonValueKind.String ? o["default"]!.GetValue<string>() : fallback;
            if (column is null && value is null)
            {
                errors.Add($"'{name}' needs a 'column' or a 'default'.");
            }

            return new FieldMap(column, values, value);
        }

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

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root["attributes"] is JsonObject attributeMap)
        {
            foreach (var (attribute, column) in attributeMap)
            {
                if (column?.GetValueKind() == JsonValueKind.String)
                {
                    attributes[attribute] = column.GetValue<string>();
                }
                else
                {
                    errors.Add($"'attributes.{attribute}' must be a column name.");
                }
            }
        }
        else if (root["attributes"] is not null)
        {
            errors.Add("'attributes' must be an object: attribute name → column.");
        }

        var externalId = Text("externalId");
        var name = Text("name");
        if (externalId is null)
        {
            errors.Add("'externalId' (the column of the source's identifier) is required: re-imports update by it.");
        }

        if (name is null)
        {
            errors.Add("'name' (the column of the facility's name) is required.");
        }

        var kind = Field("kind", null);
        if (kind is null && root["kind"] is null)
        {
            errors.Add("'kind' is required: a column, or {column, values, default}.");
        }

        var status = Field("status", "operational");
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
            Name = name ?? "",
            Kind = kind ?? new FieldMap(null, new Dictionary<string, string>(StringComparer.Ordinal), null),
            Status = status!,
            ManagingUnit = Text("managingUnit"),
            Attributes = attributes,
            AttributesJson = Text("attributesJson"),
        };
        return errors.Count > 0 ? (null, errors) : (mapping, errors);
    }
}
