using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.Demo;

/// <summary>
/// Synthetic inspections of demo facilities: the checklist items that measure a facility attribute are answered
/// with that attribute's value, so the verdicts (and the defects they create) follow the generated measurements.
/// Deterministic: which facilities, their client ids and how many days ago each was inspected depend only on the
/// facilities' external ids and order.
/// </summary>
public static class DemoInspections
{
    /// <summary>Every <c>Stride</c>-th demo facility of a county is inspected…</summary>
    public const int Stride = 7;

    /// <summary>…at most this many per county, so seeding stays fast.</summary>
    public const int PerCounty = 12;

    /// <summary>
    /// Inspection drafts for <paramref name="facilities"/> (demo facilities, ordered by id), the n-th inspected
    /// between 20 and 520 days before <paramref name="now"/> so that the schedule shows every state.
    /// </summary>
    public static IReadOnlyList<InspectionDraft> Generate(IReadOnlyList<Facility> facilities, ChecklistCatalog checklists, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facilities);
        ArgumentNullException.ThrowIfNull(checklists);
        var drafts = new List<InspectionDraft>();
        var repairs = new List<InspectionDraft>();
        foreach (var county in facilities.GroupBy(f => f.DistrictCode, StringComparer.Ordinal))
        {
            var picked = county
                .Where(f => f.Status is not ("removed" or "under_construction"))
                .Where((_, i) => i % Stride == 0)
                .Take(PerCounty);
            foreach (var (facility, n) in picked.Select((f, n) => (f, n)))
            {
                if (!checklists.TryGet(facility.Kind, out var checklist))
                {
                    continue;
                }

                var answers = Answers(checklist, facility.Attributes);
                if (answers.Count == 0)
                {
                    continue;
                }

                var judged = InspectionJudge.Judge(checklist, facility.Attributes, answers, new FieldErrors());
                if (judged.Count == 0)
                {
                    continue; // a generated value the checklist refuses: leave the facility uninspected
                }

                var daysAgo = 20 + (n * 47 % 500);
                var key = facility.ExternalId ?? facility.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var inspectedAt = now.AddDays(-daysAgo).AddHours(-(n % 8));
                drafts.Add(new InspectionDraft(ClientId(key), "demo", facility, inspectedAt, judged, Note, [], DatabaseSeederSource));

                // Every second failing facility was repaired and re-inspected 3 to 24 days later: its defects get verified.
                var failed = judged.Where(a => a.Verdict == Verdicts.Fail).ToList();
                if (failed.Count > 0 && n % 2 == 0 && Repaired(checklist, facility.Attributes, failed) is { Count: > 0 } fixedAnswers)
                {
                    repairs.Add(new InspectionDraft(ClientId("repair:" + key), "demo", facility, inspectedAt.AddDays(3 + (n * 7 % 22)), fixedAnswers, Note, [], DatabaseSeederSource));
                }
            }
        }

        // Re-inspections after every first inspection, so that they find the defects to verify.
        return [.. drafts, .. repairs.Where(r => r.InspectedAt < now)];
    }

    private const string Note = "示例数据（合成） synthetic demo inspection";

    /// <summary>The failed items answered with the value at the threshold (passes by definition).</summary>
    private static List<JudgedAnswer> Repaired(Checklist checklist, JsonObject attributes, List<JudgedAnswer> failed)
    {
        var answers = new List<AnswerRequest?>();
        foreach (var f in failed)
        {
            var item = checklist.Find(f.Item)!;
            var rule = item.Rules.First(r => r.When is null || r.When.Matches(attributes));
            JsonNode? value = rule.EqualsValue is { } b ? JsonValue.Create(b) : JsonValue.Create(rule.Min ?? rule.Max ?? 0);
            answers.Add(new AnswerRequest(item.Code, value, item.Type == "measurement" ? item.Unit : null, "示例数据：整改后复查", null));
        }

        var judged = InspectionJudge.Judge(checklist, attributes, answers, new FieldErrors());
        return judged.All(a => a.Verdict == Verdicts.Pass) ? [.. judged] : [];
    }

    /// <summary>The <c>source</c> of generated inspections.</summary>
    public const string DatabaseSeederSource = "demo";

    private static List<AnswerRequest?> Answers(Checklist checklist, JsonObject attributes)
    {
        var answers = new List<AnswerRequest?>();
        foreach (var item in checklist.Items)
        {
            if (item.Attribute is null || !attributes.TryGetPropertyValue(item.Attribute, out var value) || value is null)
            {
                continue;
            }

            var kind = value.GetValueKind();
            if (item.Type == "measurement" && kind == JsonValueKind.Number)
            {
                var v = Units.ToCanonical(value, item.Unit!, item.Unit!, out _);
                if (v is { } x && x >= item.PhysicalRange!.Min && x <= item.PhysicalRange.Max)
                {
                    answers.Add(new AnswerRequest(item.Code, value.DeepClone(), item.Unit, null, null));
                }
            }
            else if (item.Type == "observation" && kind is JsonValueKind.True or JsonValueKind.False)
            {
                answers.Add(new AnswerRequest(item.Code, value.DeepClone(), null, null, null));
            }
        }

        return answers;
    }

    private static Guid ClientId(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("demo-inspection:" + key));
        return new Guid(hash.AsSpan(0, 16));
    }
}
