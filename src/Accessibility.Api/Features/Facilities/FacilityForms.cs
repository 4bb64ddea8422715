using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.Facilities;

/// <summary>A threshold from the standards that an attribute is judged against by the inspection checklist.</summary>
/// <param name="Text">The threshold as the checklist shows it, e.g. "≤ 1:12".</param>
/// <param name="Clause">Clause of the code it comes from, when known.</param>
public sealed record FormThreshold(LocalizedText Text, string? Clause);

/// <summary>One field of a kind's attribute form, as a staff page renders it and reads it back.</summary>
/// <param name="Name">Form field name and error key, the API's path of the value: <c>attributes.slope</c>.</param>
/// <param name="Id">HTML id of the input, the name with '.' as '_' as the error summary's links are made: <c>attributes_slope</c>.</param>
/// <param name="Attribute">The catalogue's attribute.</param>
/// <param name="UnitLabel">The unit as shown after the input, or null.</param>
/// <param name="Step">HTML <c>step</c> of a number input: <c>1</c> for integers, <c>any</c> otherwise.</param>
/// <param name="Thresholds">Thresholds of the standards, from the kind's inspection checklist; empty when none is judged.</param>
public sealed record FormField(string Name, string Id, AttributeDefinition Attribute, LocalizedText? UnitLabel, string Step, IReadOnlyList<FormThreshold> Thresholds)
{
    /// <summary>Whether the input is a number box.</summary>
    public bool IsNumber => Attribute.Type is AttributeValueType.Number or AttributeValueType.Integer;
}

/// <summary>The attribute form of one facility kind.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Fields">Its fields, in the catalogue's order.</param>
public sealed record FacilityForm(FacilityKind Kind, IReadOnlyList<FormField> Fields);

/// <summary>
/// Turns a kind of <c>data/facility-kinds.json</c> into the form a staff page renders (fields, types, units, allowed
/// values, and the thresholds of the standards where the inspection checklist has them), and reads a posted form back
/// into the <c>attributes</c> object the API takes, so that the same catalogue validation (<see cref="FacilityKindCatalog.Validate(string, System.Text.Json.Nodes.JsonObject?)"/>)
/// judges both.
/// </summary>
public sealed class FacilityForms(FacilityKindCatalog kinds, ChecklistCatalog checklists)
{
    /// <summary>Prefix of attribute fields' names.</summary>
    public const string AttributePrefix = "attributes.";

    private static readonly Dictionary<string, LocalizedText> UnitLabels = new(StringComparer.Ordinal)
    {
        ["mm"] = new("毫米", "mm"),
        ["m"] = new("米", "m"),
        ["m2"] = new("平方米", "m²"),
        ["ratio"] = new("坡度（高/长，1:12 = 0.083）", "rise/run (1:12 = 0.083)"),
        ["percent"] = new("%", "%"),
        ["N"] = new("牛（N）", "N"),
        ["count"] = new("个", "count"),
    };

    /// <summary>The kinds, in catalogue order.</summary>
    public IReadOnlyList<FacilityKind> Kinds => kinds.Kinds;

    /// <summary>The form of <paramref name="kindCode"/>, or null for an unknown kind.</summary>
    public FacilityForm? For(string? kindCode) =>
        kindCode is not null && kinds.TryGet(kindCode, out var kind) ? FormOf(kind) : null;

    /// <summary>The form of what a construction project may plan (a facility kind or the road segment), or null.</summary>
    public FacilityForm? ForPlanned(string? kindCode) =>
        kindCode is not null && kinds.TryGetPlannable(kindCode, out var kind) ? FormOf(kind) : null;

    private FacilityForm FormOf(FacilityKind kind)
    {

        checklists.TryGet(kind.Code, out var checklist);
        var fields = kind.Attributes.Select(a => new FormField(
            AttributePrefix + a.Name,
            "attributes_" + a.Name,
            a,
            a.Unit is { } unit && UnitLabels.TryGetValue(unit, out var label) ? label : null,
            a.Type == AttributeValueType.Integer ? "1" : "any",
            Thresholds(checklist, a.Name))).ToArray();
        return new FacilityForm(kind, fields);
    }

    private static FormThreshold[] Thresholds(Checklist? checklist, string attribute) =>
        checklist is null
            ? []
            : checklist.Items
                .Where(i => string.Equals(i.Attribute, attribute, StringComparison.Ordinal) && i.Confidence != "unconfirmed")
                .SelectMany(i => i.Rules.Where(r => r.Judges).Select(r => new FormThreshold(r.Text, r.Clause ?? i.Clause)))
                .ToArray();

    /// <summary>
    /// Reads the posted values of <paramref name="form"/>'s fields (<paramref name="value"/> by field name) into an
    /// <c>attributes</c> object: an empty field is absent, a number is read with a point or a comma as decimal sign (a
    /// slope also as <c>1:12</c>), a yes/no as a boolean. What cannot be read is an error under the field's name;
    /// everything else is left to the catalogue's validation.
    /// </summary>
    public static JsonObject ReadAttributes(FacilityForm form, Func<string, string?> value, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(errors);
        var attributes = new JsonObject();
        foreach (var field in form.Fields)
        {
            var text = value(field.Name)?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            var a = field.Attribute;
            switch (a.Type)
            {
                case AttributeValueType.Boolean:
                    if (text is "true" or "false")
                    {
                        attributes[a.Name] = text == "true";
                    }
                    else
                    {
                        errors.Add(field.Name, "选择“是”或“否” / Choose yes or no.");
                    }

                    break;
                case AttributeValueType.Number:
                case AttributeValueType.Integer:
                    if (ReadNumber(text, a.Unit == "ratio") is { } number)
                    {
                        attributes[a.Name] = a.Type == AttributeValueType.Integer && Math.Floor(number) == number && Math.Abs(number) < 1e15
                            ? JsonValue.Create((long)number)
                            : JsonValue.Create(number);
                    }
                    else
                    {
                        errors.Add(field.Name, a.Type == AttributeValueType.Integer
                            ? "请输入整数 / Enter a whole number."
                            : "请输入数字 / Enter a number" + (a.Unit == "ratio" ? "（如 0.05 或 1:20） / (e.g. 0.05 or 1:20)." : "."));
                    }

                    break;
                default:
                    attributes[a.Name] = text;
                    break;
            }
        }

        return attributes;
    }

    /// <summary>The value of <paramref name="field"/> in <paramref name="attributes"/> as a form input shows it; empty when absent.</summary>
    public static string Show(FormField field, JsonObject? attributes)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (attributes is null || !attributes.TryGetPropertyValue(field.Attribute.Name, out var node) || node is null)
        {
            return "";
        }

        return node.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => node.GetValue<string>(),
            System.Text.Json.JsonValueKind.True => "true",
            System.Text.Json.JsonValueKind.False => "false",
            _ => node.ToJsonString(),
        };
    }

    private static double? ReadNumber(string text, bool ratio)
    {
        text = text.Replace('，', '.').Replace(',', '.').Replace('：', ':');
        if (ratio && text.Split(':') is [var rise, var run]
            && double.TryParse(rise, NumberStyles.Float, CultureInfo.InvariantCulture, out var r)
            && double.TryParse(run, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            return r / n;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
    }
}
