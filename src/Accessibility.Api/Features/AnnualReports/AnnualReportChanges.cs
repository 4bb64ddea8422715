using System.Globalization;
using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.AnnualReports;

/// <summary>One figure that differs between two editions: where it is, and its value in each (null: absent or withheld).</summary>
/// <param name="Path">
/// The figure's place in the report's figures, e.g. <c>coverage.parent.facilities.total</c>,
/// <c>coverage.children[140881100].toiletReach.share</c>, <c>targets.items[12].value</c>,
/// <c>trends.series.inspections[2025-03]</c>: list members by their code, id, kind or month, so a member added or removed
/// does not shift the others.
/// </param>
/// <param name="From">The value in the earlier edition.</param>
/// <param name="To">The value in the later edition.</param>
public sealed record AnnualReportChange(string Path, JsonNode? From, JsonNode? To);

/// <summary>What changed between two editions' figures: every figure whose value differs, by path.</summary>
public static class AnnualReportChanges
{
    // Texts that go with the figures, not figures: a reworded definition is not a changed figure.
    private static readonly HashSet<string> NotFigures = new(StringComparer.Ordinal) { "definition", "definitions", "knownAt" };

    /// <summary>The figures that differ from <paramref name="from"/> to <paramref name="to"/>, in path order.</summary>
    public static List<AnnualReportChange> Between(JsonObject from, JsonObject to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var before = Flatten(from);
        var after = Flatten(to);
        var changes = new List<AnnualReportChange>();
        foreach (var path in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var a = before.GetValueOrDefault(path);
            var b = after.GetValueOrDefault(path);
            if (!JsonNode.DeepEquals(a, b))
            {
                changes.Add(new AnnualReportChange(path, a?.DeepClone(), b?.DeepClone()));
            }
        }

        return changes;
    }

    /// <summary>Every scalar of <paramref name="root"/> by its path.</summary>
    public static Dictionary<string, JsonNode?> Flatten(JsonObject root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        Walk(root, "", null, result);
        return result;
    }

    private static void Walk(JsonNode? node, string path, JsonArray? months, Dictionary<string, JsonNode?> result)
    {
        switch (node)
        {
            case JsonObject o:
                var monthList = o["months"] as JsonArray ?? months;
                foreach (var (key, value) in o)
                {
                    if (NotFigures.Contains(key) || (key == "months" && value is JsonArray))
                    {
                        continue;
                    }

                    Walk(value, path.Length == 0 ? key : path + "." + key, monthList, result);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    Walk(a[i], path + "[" + MemberKey(a, i, months) + "]", months, result);
                }

                break;
            default:
                result[path] = node;
                break;
        }
    }

    private static string MemberKey(JsonArray array, int i, JsonArray? months)
    {
        if (array[i] is JsonObject member)
        {
            foreach (var key in new[] { "code", "id", "kind" })
            {
                if (member[key] is JsonValue v)
                {
                    return v.ToJsonString().Trim('"');
                }
            }
        }
        else if (months is not null && months.Count == array.Count && months[i] is JsonValue month)
        {
            return month.GetValue<string>();
        }

        return i.ToString(CultureInfo.InvariantCulture);
    }
}
