using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Accessibility.Api.Features.Facilities;

/// <summary>A label in the two languages the product is shown in.</summary>
/// <param name="Zh">Simplified Chinese.</param>
/// <param name="En">English.</param>
public sealed record LocalizedText(string Zh, string En);

/// <summary>A code with its labels: a facility status, a road class, or one value of an enum attribute.</summary>
/// <param name="Code">Stable machine code stored in the database and used in the API.</param>
/// <param name="Labels">Display labels.</param>
public sealed record CodedValue(string Code, LocalizedText Labels);

/// <summary>The JSON value type an attribute accepts.</summary>
public enum AttributeValueType
{
    /// <summary>Any JSON number.</summary>
    Number,

    /// <summary>A JSON number without a fractional part.</summary>
    Integer,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>Free text.</summary>
    String,

    /// <summary>A string out of <see cref="AttributeDefinition.Values"/>.</summary>
    Enum,
}

/// <summary>One attribute (measurement or property) of a facility kind.</summary>
/// <param name="Name">Key inside a facility's <c>attributes</c> object, snake_case, unit suffixed (<c>door_width_mm</c>).</param>
/// <param name="Labels">Display labels.</param>
/// <param name="Type">Accepted value type.</param>
/// <param name="Unit">Unit of a number (mm, m, m2, ratio, percent, N, count), or null.</param>
/// <param name="Min">Smallest physically plausible value (inclusive), or null. Not a compliance threshold.</param>
/// <param name="Max">Largest physically plausible value (inclusive), or null. Not a compliance threshold.</param>
/// <param name="Required">Whether every facility of the kind must carry the attribute.</param>
/// <param name="Values">Allowed values of an enum attribute; empty otherwise.</param>
/// <param name="MaxLength">Longest accepted string, for string attributes.</param>
/// <param name="Reference">Standard clause the value is judged against by the checklists, informational.</param>
public sealed record AttributeDefinition(
    string Name,
    LocalizedText Labels,
    AttributeValueType Type,
    string? Unit,
    double? Min,
    double? Max,
    bool Required,
    IReadOnlyList<CodedValue> Values,
    int? MaxLength,
    string? Reference);

/// <summary>A kind of barrier-free facility and the schema of its attributes.</summary>
/// <param name="Code">Stable code, e.g. <c>accessible_toilet</c>.</param>
/// <param name="Names">Display names.</param>
/// <param name="Geometry">OGC geometry type every facility of the kind has: <c>Point</c> or <c>LineString</c>.</param>
/// <param name="InspectionIntervalMonths">Default months between two supervision inspections.</param>
/// <param name="Attributes">Attribute schema, in display order.</param>
public sealed record FacilityKind(
    string Code,
    LocalizedText Names,
    string Geometry,
    int InspectionIntervalMonths,
    IReadOnlyList<AttributeDefinition> Attributes)
{
    /// <summary>The attribute called <paramref name="name"/>, or null.</summary>
    public AttributeDefinition? FindAttribute(string name) =>
        Attributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal));
}

/// <summary>
/// The facility kinds, statuses and road classes, loaded from <c>data/facility-kinds.json</c>,
/// and the validation of a facility's free-form <c>attributes</c> object against its kind.
/// Kept as data so that a county can add a kind or a measurement without a code change.
/// </summary>
public sealed class FacilityKindCatalog
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    private static readonly string[] GeometryTypes = ["Point", "LineString"];
    private static readonly string[] AllowedUnits = ["mm", "m", "m2", "ratio", "percent", "N", "count"];

    private readonly Dictionary<string, FacilityKind> _byCode;

    /// <summary>Loads the catalog from a JSON file (normally <c>data/facility-kinds.json</c>).</summary>
    /// <exception cref="InvalidDataException">The file is not a consistent catalog.</exception>
    public FacilityKindCatalog(string path)
        : this(File.ReadAllText(path), path)
    {
    }

    private FacilityKindCatalog(string json, string source)
    {
        CatalogDto dto;
        try
        {
            dto = JsonSerializer.Deserialize<CatalogDto>(json, JsonOptions)
                ?? throw new InvalidDataException($"{source}: empty catalog.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: not valid JSON: {ex.Message}", ex);
        }

        Statuses = (dto.Statuses ?? []).Select((s, i) => ToCoded(s, $"{source}: statuses[{i}]")).ToArray();
        RoadClasses = (dto.RoadClasses ?? []).Select((s, i) => ToCoded(s, $"{source}: road_classes[{i}]")).ToArray();
        Kinds = (dto.Kinds ?? []).Select((k, i) => ToKind(k, $"{source}: kinds[{i}]")).ToArray();

        if (Kinds.Count == 0 || Statuses.Count == 0 || RoadClasses.Count == 0)
        {
            throw new InvalidDataException($"{source}: kinds, statuses and road_classes must all be non-empty.");
        }

        RequireUnique(Statuses.Select(s => s.Code), $"{source}: statuses");
        RequireUnique(RoadClasses.Select(s => s.Code), $"{source}: road_classes");
        RequireUnique(Kinds.Select(k => k.Code), $"{source}: kinds");
        _byCode = Kinds.ToDictionary(k => k.Code, StringComparer.Ordinal);
        if (dto.RoadSegment is { } road)
        {
            RoadSegment = ToKind(road, $"{source}: road_segment");
            if (_byCode.ContainsKey(RoadSegment.Code) || RoadSegment.Geometry != "LineString")
            {
                throw new InvalidDataException($"{source}: road_segment must be a LineString with a code that is not a facility kind's.");
            }
        }
    }

    /// <summary>Parses a catalog from JSON text, e.g. for tests or an embedded resource.</summary>
    /// <exception cref="InvalidDataException">The text is not a consistent catalog.</exception>
    public static FacilityKindCatalog Parse(string json) => new(json, "facility kinds");

    /// <summary>All kinds, in file order.</summary>
    public IReadOnlyList<FacilityKind> Kinds { get; }

    /// <summary>Facility statuses (operational, defective_usable, unusable, under_construction, removed).</summary>
    public IReadOnlyList<CodedValue> Statuses { get; }

    /// <summary>Road classes (main 主干路, secondary 次干路, branch 支路).</summary>
    public IReadOnlyList<CodedValue> RoadClasses { get; }

    /// <summary>
    /// The road segment a road construction project plans (<c>road_segment</c> in the file): described and checked like a
    /// facility kind, entered into the registry as a road segment on acceptance. Not a facility kind.
    /// </summary>
    public FacilityKind? RoadSegment { get; }

    /// <summary>What a construction project may plan: a facility kind, or the road segment.</summary>
    public bool TryGetPlannable(string code, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FacilityKind? kind)
    {
        if (RoadSegment is { } road && string.Equals(code, road.Code, StringComparison.Ordinal))
        {
            kind = road;
            return true;
        }

        return TryGet(code, out kind);
    }

    /// <summary>Finds a kind by its code (case-sensitive, codes are lower snake_case).</summary>
    public bool TryGet(string code, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FacilityKind? kind) =>
        _byCode.TryGetValue(code, out kind);

    /// <summary>Whether <paramref name="code"/> is a known facility status.</summary>
    public bool IsStatus(string code) => Statuses.Any(s => string.Equals(s.Code, code, StringComparison.Ordinal));

    /// <summary>Whether <paramref name="code"/> is a known road class.</summary>
    public bool IsRoadClass(string code) => RoadClasses.Any(s => string.Equals(s.Code, code, StringComparison.Ordinal));

    /// <summary>
    /// Checks a facility's attributes against its kind. Returns errors keyed by field path
    /// (<c>kind</c>, <c>attributes.door_width_mm</c>), in the shape of
    /// <c>TypedResults.ValidationProblem</c>; empty when valid. A JSON <c>null</c> value counts as absent.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Validate(string kindCode, JsonObject? attributes)
    {
        if (!TryGet(kindCode, out var kind))
        {
            var unknown = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            Add(unknown, "kind", Invariant($"Unknown facility kind '{kindCode}'. Expected one of: {string.Join(", ", Kinds.Select(k => k.Code))}."));
            return Freeze(unknown);
        }

        return Validate(kind, attributes);
    }

    /// <summary>Checks attributes against <paramref name="kind"/> (a facility kind or <see cref="RoadSegment"/>), as <see cref="Validate(string, JsonObject?)"/>.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(FacilityKind kind, JsonObject? attributes)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (attributes is not null)
        {
            foreach (var (name, node) in attributes)
            {
                var key = "attributes." + name;
                var definition = kind.FindAttribute(name);
                if (definition is null)
                {
                    Add(errors, key, Invariant($"Unknown attribute '{name}' for kind '{kind.Code}'. Known attributes: {string.Join(", ", kind.Attributes.Select(a => a.Name))}."));
                    continue;
                }

                if (node is null)
                {
                    continue; // explicit null = not recorded; "required" is checked below
                }

                var error = CheckValue(definition, node);
                if (error is not null)
                {
                    Add(errors, key, error);
                }
            }
        }

        foreach (var definition in kind.Attributes.Where(a => a.Required))
        {
            if (attributes is null || !attributes.TryGetPropertyValue(definition.Name, out var value) || value is null)
            {
                Add(errors, "attributes." + definition.Name, Invariant($"Attribute '{definition.Name}' is required for kind '{kind.Code}': expected {Describe(definition)}."));
            }
        }

        return Freeze(errors);
    }

    /// <summary>
    /// Checks that a geometry type name (GeoJSON <c>type</c> or NTS <c>GeometryType</c>, e.g. <c>Point</c>)
    /// is the one the kind requires. Returns an error under the key <c>geometry</c>, or an empty dictionary.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> ValidateGeometryType(FacilityKind kind, string geometryTypeName)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (string.Equals(kind.Geometry, geometryTypeName, StringComparison.OrdinalIgnoreCase))
        {
            return new Dictionary<string, string[]>(StringComparer.Ordinal);
        }

        return new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["geometry"] = [Invariant($"A '{kind.Code}' facility must have a {kind.Geometry} geometry, not {geometryTypeName}.")],
        };
    }

    private static string? CheckValue(AttributeDefinition definition, JsonNode node)
    {
        var valueKind = node.GetValueKind();
        switch (definition.Type)
        {
            case AttributeValueType.Boolean:
                return valueKind is JsonValueKind.True or JsonValueKind.False
                    ? null
                    : Invariant($"Expected {Describe(definition)}, got {Show(node)}.");

            case AttributeValueType.String:
                if (valueKind != JsonValueKind.String)
                {
                    return Invariant($"Expected {Describe(definition)}, got {Show(node)}.");
                }

                var text = node.GetValue<string>();
                return definition.MaxLength is { } maxLength && text.Length > maxLength
                    ? Invariant($"Text is {text.Length} characters long; at most {maxLength} are allowed.")
                    : null;

            case AttributeValueType.Enum:
                if (valueKind == JsonValueKind.String
                    && definition.Values.Any(v => string.Equals(v.Code, node.GetValue<string>(), StringComparison.Ordinal)))
                {
                    return null;
                }

                return Invariant($"Expected {Describe(definition)}, got {Show(node)}.");

            case AttributeValueType.Number:
            case AttributeValueType.Integer:
                if (valueKind != JsonValueKind.Number)
                {
                    return Invariant($"Expected {Describe(definition)}, got {Show(node)}.");
                }

                // JSON numbers are culture-free text; parsing the text avoids JsonValue's
                // exact-CLR-type rules (a JsonValue built from an int does not GetValue<double>).
                var number = double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
                if (definition.Type == AttributeValueType.Integer && Math.Floor(number) != number)
                {
                    return Invariant($"Expected {Describe(definition)}, got {Show(node)}: a whole number is required.");
                }

                if ((definition.Min is { } min && number < min) || (definition.Max is { } max && number > max))
                {
                    return Invariant($"Value {Format(number)}{UnitSuffix(definition)} is out of range: expected {Range(definition)}.");
                }

                return null;

            default:
                throw new InvalidOperationException($"Unhandled attribute type {definition.Type}.");
        }
    }

    /// <summary>"an integer in mm from 300 to 4000", "one of: a, b", for messages.</summary>
    private static string Describe(AttributeDefinition d) => d.Type switch
    {
        AttributeValueType.Boolean => "a boolean (true or false)",
        AttributeValueType.String => d.MaxLength is { } n ? Invariant($"a string of at most {n} characters") : "a string",
        AttributeValueType.Enum => "one of: " + string.Join(", ", d.Values.Select(v => v.Code)),
        AttributeValueType.Integer => "an integer" + UnitPhrase(d) + RangePhrase(d),
        _ => "a number" + UnitPhrase(d) + RangePhrase(d),
    };

    private static string UnitPhrase(AttributeDefinition d) => d.Unit switch
    {
        null => "",
        "ratio" => " as a ratio rise/run (0.083 = 1:12)",
        "count" => " (count)",
        _ => " in " + d.Unit,
    };

    private static string RangePhrase(AttributeDefinition d) =>
        d.Min is null && d.Max is null ? "" : " " + Range(d);

    private static string Range(AttributeDefinition d) => (d.Min, d.Max) switch
    {
        ({ } min, { } max) => Invariant($"from {Format(min)} to {Format(max)}{UnitSuffix(d)}"),
        ({ } min, null) => Invariant($"at least {Format(min)}{UnitSuffix(d)}"),
        (null, { } max) => Invariant($"at most {Format(max)}{UnitSuffix(d)}"),
        _ => "any value",
    };

    private static string UnitSuffix(AttributeDefinition d) =>
        d.Unit is null or "ratio" or "count" ? "" : d.Unit == "percent" ? " %" : " " + d.Unit;

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Show(JsonNode node)
    {
        var json = node.ToJsonString();
        var kind = node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            _ => "a value",
        };
        return Invariant($"{kind} {(json.Length > 60 ? json[..60] + "…" : json)}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Add(Dictionary<string, List<string>> errors, string key, string message)
    {
        if (!errors.TryGetValue(key, out var list))
        {
            errors[key] = list = [];
        }

        list.Add(message);
    }

    private static Dictionary<string, string[]> Freeze(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    private static void RequireUnique(IEnumerable<string> codes, string where)
    {
        var duplicate = codes.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"{where}: duplicate code '{duplicate.Key}'.");
        }
    }

    private static LocalizedText ToText(LocalizedTextDto? dto, string where) =>
        dto is { Zh: { Length: > 0 } zh, En: { Length: > 0 } en }
            ? new LocalizedText(zh, en)
            : throw new InvalidDataException($"{where}: both zh and en labels are required.");

    private static string RequireCode(string? code, string where) =>
        code is { Length: > 0 } && code.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_')
            ? code
            : throw new InvalidDataException($"{where}: code '{code}' must be lower snake_case.");

    private static CodedValue ToCoded(CodedDto dto, string where) =>
        new(RequireCode(dto.Code, where), ToText(dto.Names ?? dto.Labels, where));

    private static FacilityKind ToKind(KindDto dto, string where)
    {
        var code = RequireCode(dto.Code, where);
        where = $"{where} ({code})";
        if (dto.Geometry is null || !GeometryTypes.Contains(dto.Geometry, StringComparer.Ordinal))
        {
            throw new InvalidDataException($"{where}: geometry must be one of {string.Join(", ", GeometryTypes)}.");
        }

        if (dto.InspectionIntervalMonths is not (>= 1 and <= 120))
        {
            throw new InvalidDataException($"{where}: inspection_interval_months must be 1 to 120.");
        }

        var attributes = (dto.Attributes ?? []).Select(a => ToAttribute(a, where)).ToArray();
        RequireUnique(attributes.Select(a => a.Name), $"{where}: attributes");
        return new FacilityKind(code, ToText(dto.Names, where), dto.Geometry, dto.InspectionIntervalMonths.Value, attributes);
    }

    private static AttributeDefinition ToAttribute(AttributeDto dto, string where)
    {
        var name = RequireCode(dto.Name, where + ": attribute");
        where = $"{where}: attribute {name}";
        AttributeValueType type = dto.Type switch
        {
            "number" => AttributeValueType.Number,
            "integer" => AttributeValueType.Integer,
            "boolean" => AttributeValueType.Boolean,
            "string" => AttributeValueType.String,
            "enum" => AttributeValueType.Enum,
            _ => throw new InvalidDataException($"{where}: type '{dto.Type}' must be number, integer, boolean, string or enum."),
        };

        if (dto.Unit is not null && !AllowedUnits.Contains(dto.Unit, StringComparer.Ordinal))
        {
            throw new InvalidDataException($"{where}: unit '{dto.Unit}' must be one of {string.Join(", ", AllowedUnits)}.");
        }

        var numeric = type is AttributeValueType.Number or AttributeValueType.Integer;
        if (!numeric && (dto.Min is not null || dto.Max is not null || dto.Unit is not null))
        {
            throw new InvalidDataException($"{where}: unit, min and max apply to number and integer attributes only.");
        }

        if (dto.Min > dto.Max)
        {
            throw new InvalidDataException($"{where}: min is greater than max.");
        }

        var values = (dto.Values ?? []).Select((v, i) => ToCoded(v, $"{where}: values[{i}]")).ToArray();
        if ((type == AttributeValueType.Enum) != (values.Length > 0))
        {
            throw new InvalidDataException($"{where}: an enum attribute needs values, and only an enum may have them.");
        }

        RequireUnique(values.Select(v => v.Code), $"{where}: values");
        return new AttributeDefinition(
            name, ToText(dto.Labels, where), type, dto.Unit, dto.Min, dto.Max, dto.Required ?? false,
            values, dto.MaxLength, dto.Reference);
    }

    // File shape. Nullable everywhere so that a missing field gets a clear message above.
    private sealed class CatalogDto
    {
        public List<CodedDto>? Statuses { get; set; }

        public List<CodedDto>? RoadClasses { get; set; }

        public List<KindDto>? Kinds { get; set; }

        public KindDto? RoadSegment { get; set; }
    }

    private sealed class LocalizedTextDto
    {
        public string? Zh { get; set; }

        public string? En { get; set; }
    }

    private sealed class CodedDto
    {
        public string? Code { get; set; }

        public LocalizedTextDto? Names { get; set; }

        public LocalizedTextDto? Labels { get; set; }
    }

    private sealed class KindDto
    {
        public string? Code { get; set; }

        public LocalizedTextDto? Names { get; set; }

        public string? Geometry { get; set; }

        public int? InspectionIntervalMonths { get; set; }

        public List<AttributeDto>? Attributes { get; set; }
    }

    private sealed class AttributeDto
    {
        public string? Name { get; set; }

        public LocalizedTextDto? Labels { get; set; }

        public string? Type { get; set; }

        public string? Unit { get; set; }

        public double? Min { get; set; }

        public double? Max { get; set; }

        public bool? Required { get; set; }

        public List<CodedDto>? Values { get; set; }

        public int? MaxLength { get; set; }

        public string? Reference { get; set; }
    }
}
