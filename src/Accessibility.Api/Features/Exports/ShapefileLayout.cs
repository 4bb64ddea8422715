using System.Globalization;
using System.Text;
using System.Text.Json;
using Accessibility.Api.Features.Facilities;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Dbf.Fields;

namespace Accessibility.Api.Features.Exports;

/// <summary>One DBF column of an export and what it holds, as <c>{layer}_fields.csv</c> lists it.</summary>
/// <param name="Column">DBF field name (at most 10 ASCII characters, unique in its file).</param>
/// <param name="Field">The registry field: a column's CSV name, or <c>attributes.{name}</c>.</param>
/// <param name="Kind">The facility kind an attribute belongs to (one row per kind sharing the column), or null.</param>
/// <param name="Type">text, integer, number, boolean, timestamp; for attributes their schema type (enum, string…).</param>
/// <param name="Unit">Unit of a number (data/facility-kinds.json), or null.</param>
/// <param name="LabelZh">Chinese label of an attribute.</param>
/// <param name="LabelEn">English label of an attribute.</param>
public sealed record DbfColumnInfo(string Column, string Field, string? Kind, string Type, string? Unit, string? LabelZh, string? LabelEn);

/// <summary>
/// The DBF fields of one shapefile of an export: the layer's columns (the JSON <c>attributes</c> column excepted), the
/// attributes of every facility kind of that shape type as typed columns (one per attribute name and type, shared by
/// the kinds that have it), then <c>lon</c> and <c>lat</c>; and how a row's values go into them. DBF limits what a
/// field holds (254 bytes of text, a fixed number of digits): a value over them is not cut but handed to the overflow.
/// </summary>
public sealed class ShapefileLayout
{
    /// <summary>Longest DBF text field, in bytes.</summary>
    public const int MaxText = 254;

    private const int NumberWidth = 19;
    private const int NumberDecimals = 9;

    private static readonly string[] UnitSuffixes = ["mm", "m", "m2", "n", "percent"];

    private readonly ExportLayer layer;
    private readonly int attributesColumn;
    private readonly int kindColumn;
    private readonly List<DbfField> fields = [];
    private readonly List<DbfColumnInfo> mapping = [];

    /// <summary>DBF field index of each layer column (-1 for the attributes column).</summary>
    private readonly int[] columnField;

    /// <summary>(kind, attribute) → DBF field index and the attribute's definition.</summary>
    private readonly Dictionary<(string Kind, string Name), (int Field, AttributeDefinition Definition)> attributeFields = [];

    /// <summary>The layout of <paramref name="layer"/>'s shapefile of <paramref name="type"/>.</summary>
    public ShapefileLayout(ExportLayer layer, ShapeType type, FacilityKindCatalog kinds)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(kinds);
        this.layer = layer;
        attributesColumn = layer.Columns.ToList().FindIndex(c => c.Type == ExportType.Attributes);
        kindColumn = layer.Columns.ToList().FindIndex(c => c.Name == "kind");
        columnField = new int[layer.Columns.Count];
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "lon", "lat" };
        for (var i = 0; i < layer.Columns.Count; i++)
        {
            var column = layer.Columns[i];
            if (i == attributesColumn)
            {
                columnField[i] = -1;
                continue;
            }

            taken.Add(column.DbfName);
            columnField[i] = Add(BaseField(column), column.Name, null, TypeName(column.Type), null, null, null);
        }

        if (attributesColumn >= 0)
        {
            var geometry = type == ShapeType.PolyLine ? "LineString" : type == ShapeType.Point ? "Point" : null;
            var shared = new Dictionary<(string Name, AttributeValueType Type), int>();
            foreach (var kind in kinds.Kinds.Where(k => k.Geometry == geometry))
            {
                foreach (var attribute in kind.Attributes)
                {
                    if (!shared.TryGetValue((attribute.Name, attribute.Type), out var index))
                    {
                        var name = DbfName(attribute.Name, taken);
                        index = fields.Count;
                        fields.Add(AttributeField(name, attribute));
                        shared[(attribute.Name, attribute.Type)] = index;
                    }

                    attributeFields[(kind.Code, attribute.Name)] = (index, attribute);
                    mapping.Add(new DbfColumnInfo(fields[index].Name, "attributes." + attribute.Name, kind.Code,
                        attribute.Type.ToString().ToLowerInvariant(), attribute.Unit, attribute.Labels.Zh, attribute.Labels.En));
                }
            }
        }

        Add(new DbfNumericDoubleField("lon", NumberWidth, 7), "lon", null, "number", "degree", null, null);
        Add(new DbfNumericDoubleField("lat", NumberWidth, 7), "lat", null, "number", "degree", null, null);
    }

    /// <summary>The DBF fields, in order.</summary>
    public IReadOnlyList<DbfField> Fields => fields;

    /// <summary>What each DBF column holds (attribute columns once per kind).</summary>
    public IReadOnlyList<DbfColumnInfo> Mapping => mapping;

    /// <summary>
    /// Sets <paramref name="target"/> (the writer's fields, in <see cref="Fields"/> order) from one row: the layer's
    /// columns, then longitude and latitude (<paramref name="values"/> as the export reads them); a value a field cannot
    /// hold whole leaves it empty and goes to <paramref name="overflow"/> (field, whole value as text).
    /// </summary>
    public void Fill(object?[] values, IReadOnlyList<DbfField> target, Action<string, string> overflow)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(overflow);
        foreach (var field in target)
        {
            field.Value = null;
        }

        var n = layer.Columns.Count;
        for (var i = 0; i < n; i++)
        {
            var value = values[i];
            if (i == attributesColumn)
            {
                if (value is string json)
                {
                    FillAttributes(kindColumn >= 0 ? values[kindColumn] as string : null, json, target, overflow);
                }

                continue;
            }

            if (value is string text && Encoding.UTF8.GetByteCount(text) > TextWidth(layer.Columns[i]))
            {
                overflow(layer.Columns[i].Name, text);
                continue;
            }

            target[columnField[i]].Value = value;
        }

        target[^2].Value = values[n];
        target[^1].Value = values[n + 1];
    }

    private void FillAttributes(string? kind, string json, IReadOnlyList<DbfField> target, Action<string, string> overflow)
    {
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (kind is not null && attributeFields.TryGetValue((kind, property.Name), out var slot) && Typed(slot.Definition, slot.Field, value) is { } typed)
            {
                target[slot.Field].Value = typed;
            }
            else
            {
                // Outside the kind's schema, of another type, or too long for its field: whole, in the overflow table.
                overflow("attributes." + property.Name, value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText());
            }
        }
    }

    /// <summary>The DBF value of an attribute, or null when its field cannot hold it whole.</summary>
    private object? Typed(AttributeDefinition definition, int field, JsonElement value)
    {
        switch (definition.Type)
        {
            case AttributeValueType.Boolean when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return value.GetBoolean();
            case AttributeValueType.Integer when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer)
                && Math.Abs(integer) < 100_000_000_000_000_000L:
                return integer;
            case AttributeValueType.Number when value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number):
                // Written with a fixed number of decimals: only a value that reads back the same is held whole.
                var written = number.ToString("F" + NumberDecimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                return written.Length <= NumberWidth && double.Parse(written, CultureInfo.InvariantCulture).Equals(number) ? number : null;
            case AttributeValueType.String or AttributeValueType.Enum when value.ValueKind == JsonValueKind.String:
                var text = value.GetString()!;
                return Encoding.UTF8.GetByteCount(text) <= ((DbfCharacterField)fields[field]).Length ? text : null;
            default:
                return null;
        }
    }

    private int Add(DbfField field, string registryField, string? kind, string type, string? unit, string? zh, string? en)
    {
        fields.Add(field);
        mapping.Add(new DbfColumnInfo(field.Name, registryField, kind, type, unit, zh, en));
        return fields.Count - 1;
    }

    private static int TextWidth(ExportColumn column) => column.Type == ExportType.Timestamp ? 20 : column.Width;

    private static DbfField BaseField(ExportColumn column) => column.Type switch
    {
        ExportType.Int64 => new DbfNumericInt64Field(column.DbfName, 18), // 18 digits: GDAL reads Integer64 (19 would be Real)
        ExportType.Int32 => new DbfNumericInt32Field(column.DbfName),
        ExportType.Double => new DbfNumericDoubleField(column.DbfName, NumberWidth, 3),
        ExportType.Boolean => new DbfLogicalField(column.DbfName),
        _ => new DbfCharacterField(column.DbfName, TextWidth(column)),
    };

    private static DbfField AttributeField(string name, AttributeDefinition attribute) => attribute.Type switch
    {
        AttributeValueType.Integer => new DbfNumericInt64Field(name, 18),
        AttributeValueType.Number => new DbfNumericDoubleField(name, NumberWidth, NumberDecimals),
        AttributeValueType.Boolean => new DbfLogicalField(name),
        AttributeValueType.Enum => new DbfCharacterField(name, Math.Max(1, attribute.Values.Max(v => Encoding.UTF8.GetByteCount(v.Code)))),
        _ => new DbfCharacterField(name, MaxText),
    };

    private static string TypeName(ExportType type) => type switch
    {
        ExportType.Int64 or ExportType.Int32 => "integer",
        ExportType.Double => "number",
        ExportType.Boolean => "boolean",
        ExportType.Timestamp => "timestamp",
        _ => "text",
    };

    /// <summary>
    /// A DBF name of at most 10 characters for an attribute, not yet in <paramref name="taken"/>: the name itself when
    /// short enough, else without its unit suffix (the unit is in the mapping), else its words shortened alike
    /// (<c>threshold_height_mm</c> → <c>thre_heigh</c>), else numbered.
    /// </summary>
    internal static string DbfName(string attribute, HashSet<string> taken)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        ArgumentNullException.ThrowIfNull(taken);
        var words = attribute.Split('_', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count > 1 && UnitSuffixes.Contains(words[^1], StringComparer.OrdinalIgnoreCase))
        {
            words.RemoveAt(words.Count - 1);
        }

        var candidates = new List<string> { attribute, string.Join('_', words) };
        for (var k = 6; k >= 2; k--)
        {
            candidates.Add(string.Join('_', words.Select(w => w.Length <= k ? w : w[..k])));
        }

        for (var k = 4; k >= 1; k--)
        {
            candidates.Add(string.Concat(words.Select(w => w.Length <= k ? w : w[..k])));
        }

        foreach (var candidate in candidates)
        {
            if (candidate.Length <= 10 && taken.Add(candidate))
            {
                return candidate;
            }
        }

        var stem = candidates.First(c => c.Length <= 10);
        for (var i = 2; ; i++)
        {
            var suffix = i.ToString(CultureInfo.InvariantCulture);
            var numbered = stem[..Math.Min(stem.Length, 10 - suffix.Length)] + suffix;
            if (taken.Add(numbered))
            {
                return numbered;
            }
        }
    }
}
