using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Audit;

/// <summary>One field of a record as changed by an audit entry: its value before and after, as text (null: not set).</summary>
/// <param name="Field">Field path, e.g. <c>name</c> or <c>attributes.door_width_mm</c> (a Feature's properties without the prefix).</param>
/// <param name="Before">Value before, as text.</param>
/// <param name="After">Value after, as text.</param>
public sealed record FieldChange(string Field, string? Before, string? After);

/// <summary>
/// What an audit entry changed, computed from the stored before and after: GeoJSON Features are read by their properties
/// and geometry, nested objects by dotted paths, arrays and values compared as a whole.
/// </summary>
public static class AuditChanges
{
    // Bookkeeping that changes with every write and says nothing the entry's own time and actor do not.
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal) { "version", "updatedAt", "updatedBy" };

    private const int LongestValue = 300;

    /// <summary>The fields that differ between <paramref name="before"/> and <paramref name="after"/>, in the record's order.</summary>
    public static IReadOnlyList<FieldChange> Between(JsonObject? before, JsonObject? after)
    {
        var old = Flatten(before);
        var now = Flatten(after);
        var changes = new List<FieldChange>();
        foreach (var field in old.Keys.Concat(now.Keys.Where(k => !old.ContainsKey(k))))
        {
            var b = old.GetValueOrDefault(field);
            var a = now.GetValueOrDefault(field);
            if (!string.Equals(b, a, StringComparison.Ordinal))
            {
                changes.Add(new FieldChange(field, b, a));
            }
        }

        return changes;
    }

    /// <summary>The fields of a stored state as text, by path; a null value is left out.</summary>
    public static Dictionary<string, string?> Flatten(JsonObject? state)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (state is null)
        {
            return fields;
        }

        if (state["type"] is JsonValue type && type.TryGetValue<string>(out var t) && t == "Feature")
        {
            if (state["properties"] is JsonObject properties)
            {
                Add(fields, "", properties);
            }

            if (state["geometry"] is JsonNode geometry)
            {
                fields["geometry"] = Text(geometry);
            }

            return fields;
        }

        Add(fields, "", state);
        return fields;
    }

    private static void Add(Dictionary<string, string?> fields, string prefix, JsonObject obj)
    {
        foreach (var (key, value) in obj)
        {
            var path = prefix + key;
            if (prefix.Length == 0 && Ignored.Contains(key))
            {
                continue;
            }

            if (value is JsonObject nested)
            {
                Add(fields, path + ".", nested);
            }
            else if (value is not null)
            {
                fields[path] = Text(value);
            }
        }
    }

    private static string Text(JsonNode node)
    {
        var text = node switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
            JsonArray a when a.All(e => e is JsonValue) => string.Join(", ", a.Select(e => e is null ? "null" : Text(e))),
            JsonObject o when o["type"] is JsonValue g && o["coordinates"] is JsonArray c && c.Count == 2 && c.All(e => e is JsonValue) =>
                g.GetValue<string>() + " (" + string.Join(" ", c.Select(e => e!.GetValue<double>().ToString("0.######", CultureInfo.InvariantCulture))) + ")",
            _ => node.ToJsonString(),
        };
        return text.Length <= LongestValue ? text : text[..LongestValue] + "…";
    }
}
