using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Tests.Inspections;

public sealed class InspectionJudgeTests
{
    private static readonly FacilityKindCatalog Kinds = new FacilityKindCatalog(Path.Combine(RepoPaths.Data, "facility-kinds.json"));
    private static readonly ChecklistCatalog Catalog = ChecklistCatalog.Load(Path.Combine(RepoPaths.Data, "checklists.json"), Kinds);

    private static Checklist Of(string kind) => Catalog.TryGet(kind, out var c) ? c : throw new InvalidOperationException(kind);

    [Fact]
    public void Every_kind_has_a_checklist_and_unconfirmed_items_are_never_judged()
    {
        // One per facility kind, and one for the road segment a road project plans.
        Assert.Equal(Kinds.Kinds.Select(k => k.Code).Append(Kinds.RoadSegment!.Code).Order(StringComparer.Ordinal),
            Catalog.Checklists.Select(c => c.Kind).Order(StringComparer.Ordinal));
        Assert.Equal(new Dictionary<string, int> { ["critical"] = 3, ["major"] = 30, ["minor"] = 90 }, Catalog.DueDays);
        foreach (var item in Catalog.Checklists.SelectMany(c => c.Items))
        {
            if (item.Confidence == "unconfirmed")
            {
                Assert.Empty(item.Rules);
            }
            else if (item.Rules.Count > 0)
            {
                Assert.False(string.IsNullOrWhiteSpace(item.Clause), item.Code);
            }
        }
    }

    [Theory]
    [InlineData("\"1:12\"", "ratio", 0.083333333)]
    [InlineData("0.1", "ratio", 0.1)]
    [InlineData("\"1:10\"", "ratio", 0.1)]
    [InlineData("10", "percent", 0.1)]
    [InlineData("\"10\"", "percent", 0.1)]
    [InlineData("5.710593137", "degrees", 0.1)]
    [InlineData("45", "degrees", 1)]
    public void Slope_converts_to_a_ratio(string json, string unit, double expected)
    {
        var value = Units.ToCanonical(JsonNode.Parse(json)!, unit, "ratio", out var error);
        Assert.Null(error);
        Assert.Equal(expected, value!.Value, 8);
    }

    [Theory]
    [InlineData("900", "mm", "mm", 900)]
    [InlineData("90", "cm", "mm", 900)]
    [InlineData("0.9", "m", "mm", 900)]
    [InlineData("1500", "mm", "m", 1.5)]
    [InlineData("150", "cm", "m", 1.5)]
    public void Length_converts_between_mm_cm_and_m(string json, string unit, string canonical, double expected)
    {
        Assert.Equal(expected, Units.ToCanonical(JsonNode.Parse(json)!, unit, canonical, out _)!.Value, 9);
    }

    [Fact]
    public void An_infinite_slope_is_infinite_and_text_that_is_no_number_is_an_error()
    {
        Assert.Equal(double.PositiveInfinity, Units.ToCanonical(JsonValue.Create("1:0"), "ratio", "ratio", out _));
        Assert.Equal(double.PositiveInfinity, Units.ToCanonical(JsonValue.Create(90), "degrees", "ratio", out _));
        Assert.Null(Units.ToCanonical(JsonValue.Create("steep"), "ratio", "ratio", out var error));
        Assert.NotNull(error);
    }

    private static (IReadOnlyList<JudgedAnswer> Answers, FieldErrors Errors) Judge(string kind, JsonObject? attributes, params AnswerRequest[] answers)
    {
        var errors = new FieldErrors();
        return (InspectionJudge.Judge(Of(kind), attributes, answers, errors), errors);
    }

    [Fact]
    public void A_ramp_at_1_in_10_fails_the_1_in_12_rule_whether_entered_as_ratio_percent_or_degrees()
    {
        foreach (var (value, unit) in new (JsonNode, string)[] { (JsonValue.Create("1:10"), "ratio"), (JsonValue.Create(10), "percent"), (JsonValue.Create(5.710593137), "degrees") })
        {
            var (answers, errors) = Judge("ramp", null, new AnswerRequest("slope", value, unit, null, null));
            Assert.True(errors.IsEmpty);
            var a = Assert.Single(answers);
            Assert.Equal(Verdicts.Fail, a.Verdict);
            Assert.Equal(0.1, a.CanonicalValue);
            Assert.Equal("GB 55019 §2.3", a.Clause);
            Assert.Equal("major", a.Severity);
            Assert.Equal(InspectionJudge.DefectiveUsable, InspectionJudge.FacilityStatus([.. answers]));
        }

        var (passing, _) = Judge("ramp", null, new AnswerRequest("slope", JsonValue.Create("1:12"), "ratio", null, null));
        Assert.Equal(Verdicts.Pass, passing[0].Verdict);
    }

    [Fact]
    public void The_rule_is_chosen_by_the_facility_attributes()
    {
        // 1:16 passes ≤ 1:12 (three-sided) but fails ≤ 1:20 (full width).
        var slope = new AnswerRequest("slope", JsonValue.Create("1:16"), "ratio", null, null);
        Assert.Equal(Verdicts.Pass, Judge("curb_ramp", new JsonObject { ["curb_ramp_type"] = "three_sided" }, slope).Answers[0].Verdict);
        Assert.Equal(Verdicts.Fail, Judge("curb_ramp", new JsonObject { ["curb_ramp_type"] = "full_width" }, slope).Answers[0].Verdict);
        // A toilet door of 850 mm: enough for a cubicle (≥ 800), not for a stand-alone toilet (≥ 900).
        var door = new AnswerRequest("door_width", JsonValue.Create(85), "cm", null, null);
        Assert.Equal(Verdicts.Pass, Judge("accessible_toilet", new JsonObject { ["toilet_type"] = "cubicle" }, door).Answers[0].Verdict);
        var standalone = Judge("accessible_toilet", new JsonObject { ["toilet_type"] = "standalone" }, door).Answers[0];
        Assert.Equal(Verdicts.Fail, standalone.Verdict);
        Assert.Equal("verified", standalone.Confidence);
        // Width of a full-width curb ramp is recorded, not judged.
        var width = Judge("curb_ramp", new JsonObject { ["curb_ramp_type"] = "full_width" }, slope, new AnswerRequest("width", JsonValue.Create(0.5), "m", null, null)).Answers[1];
        Assert.Equal(Verdicts.NotJudged, width.Verdict);
    }

    [Fact]
    public void Unconfirmed_items_and_photos_are_recorded_not_judged_and_a_critical_failure_makes_the_facility_unusable()
    {
        var (answers, errors) = Judge("accessible_entrance", null,
            new AnswerRequest("step_free", JsonValue.Create(false), null, null, null),
            new AnswerRequest("photo", null, null, null, [Guid.NewGuid()]));
        Assert.True(errors.IsEmpty);
        Assert.Equal([Verdicts.Fail, Verdicts.NotJudged], answers.Select(a => a.Verdict));
        Assert.Equal(InspectionJudge.Unusable, InspectionJudge.FacilityStatus([.. answers]));

        var (ramp, _) = Judge("ramp", null, new AnswerRequest("slope", JsonValue.Create(0.05), null, null, null), new AnswerRequest("width", JsonValue.Create(0.4), "m", null, null));
        Assert.Equal(Verdicts.NotJudged, ramp[1].Verdict);
        Assert.Equal("unconfirmed", ramp[1].Confidence);
        Assert.Equal(InspectionJudge.Operational, InspectionJudge.FacilityStatus([.. ramp]));
    }

    [Theory]
    [InlineData("ramp", "slope", "\"1:0\"", "ratio", "answers[0].value")]
    [InlineData("ramp", "slope", "95", "degrees", "answers[0].value")]
    [InlineData("ramp", "slope", "8", "mm", "answers[0].unit")]
    [InlineData("accessible_toilet", "door_width", "30", "m", "answers[0].value")]
    [InlineData("accessible_toilet", "door_width", "5", "percent", "answers[0].unit")]
    [InlineData("ramp", "no_such_item", "1", null, "answers[0].item")]
    [InlineData("ramp", "non_slip_surface", "\"yes\"", null, "answers[0].value")]
    public void Bad_answers_name_their_field(string kind, string item, string json, string? unit, string field)
    {
        var answers = new List<AnswerRequest> { new(item, JsonNode.Parse(json), unit, null, null) };
        if (kind == "ramp" && item != "slope")
        {
            answers.Add(new AnswerRequest("slope", JsonValue.Create(0.05), null, null, null));
        }

        if (kind == "accessible_toilet" && item != "door_width")
        {
            answers.Add(new AnswerRequest("door_width", JsonValue.Create(900), null, null, null));
        }

        var (judged, errors) = Judge(kind, null, [.. answers]);
        Assert.Empty(judged);
        Assert.True(errors.Has(field), string.Join(", ", errors.ToDictionary().Keys));
    }

    [Fact]
    public void A_missing_required_item_is_an_error()
    {
        var (_, errors) = Judge("ramp", null, new AnswerRequest("rise", JsonValue.Create(0.5), "m", null, null));
        Assert.True(errors.Has("answers"));
    }

    [Theory]
    [InlineData("\"kind\": \"ramp\"", "\"kind\": \"spaceship\"", "unknown facility kind 'spaceship'")]
    [InlineData("{\"max\": 0.08333333333333333, \"text\"", "{\"max\": 5, \"text\"", "outside the item's physical range")]
    [InlineData("\"confidence\": \"notes\", \"severity\": \"major\", \"required\": true, \"attribute\": \"slope\"", "\"confidence\": \"unconfirmed\", \"severity\": \"major\", \"required\": true, \"attribute\": \"slope\"", "never judged")]
    [InlineData("\"attribute\": \"curb_ramp_type\"", "\"attribute\": \"colour\"", "when.attribute 'colour'")]
    [InlineData("\"major\": 30", "\"major\": 0", "dueDays.major")]
    public void A_bad_checklist_file_stops_the_service_with_a_clear_message(string find, string replace, string message)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Data, "checklists.json"));
        Assert.Contains(find, text, StringComparison.Ordinal);
        var broken = ReplaceFirst(text, find, replace);
        var ex = Assert.Throws<InvalidDataException>(() => ChecklistCatalog.Parse(broken, Kinds));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var i = text.IndexOf(find, StringComparison.Ordinal);
        return text[..i] + replace + text[(i + find.Length)..];
    }
}
