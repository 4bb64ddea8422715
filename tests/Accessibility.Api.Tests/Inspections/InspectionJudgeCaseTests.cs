using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Tests.Inspections;

/// <summary>
/// The server's judge against the shared table of cases (data/inspection-judge-cases.json), which the
/// inspector page's judge.js passes too (tests/node/judge-cases.test.mjs): the two cannot disagree.
/// </summary>
public sealed class InspectionJudgeCaseTests
{
    private static readonly FacilityKindCatalog Kinds = new(Path.Combine(RepoPaths.Data, "facility-kinds.json"));
    private static readonly ChecklistCatalog Catalog = ChecklistCatalog.Load(Path.Combine(RepoPaths.Data, "checklists.json"), Kinds);
    private static readonly JsonObject Table = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Data, "inspection-judge-cases.json")))!.AsObject();

    public static TheoryData<string> Cases() => Names("cases");

    public static TheoryData<string> OverallCases() => Names("overall");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Answer_gets_the_verdict_of_the_shared_table(string name)
    {
        var c = Find("cases", name);
        var checklist = Checklist((string)c["kind"]!);
        var code = (string)c["item"]!;
        var answer = new AnswerRequest(code, c["value"]?.DeepClone(), (string?)c["unit"], null, null);
        // Required items other than the one under test get a valid answer, so that only this answer is judged.
        var answers = new List<AnswerRequest?> { answer };
        answers.AddRange(checklist.Items.Where(i => i.Required && i.Code != code).Select(Filler));
        var errors = new FieldErrors();
        var judged = InspectionJudge.Judge(checklist, c["attributes"]?.DeepClone().AsObject(), answers, errors);

        var expected = (string)c["expected"]!;
        if (expected == "invalid")
        {
            Assert.False(errors.IsEmpty, name);
            Assert.True(errors.Has("answers[0].value") || errors.Has("answers[0].unit"), name);
            return;
        }

        Assert.True(errors.IsEmpty, name);
        var result = judged.Single(a => a.Item == code);
        Assert.Equal(expected, result.Verdict);
        if (c["canonicalValue"] is { } canonical)
        {
            Assert.Equal(canonical.GetValue<double>(), result.CanonicalValue!.Value, 6);
        }
    }

    [Theory]
    [MemberData(nameof(OverallCases))]
    public void Overall_result_and_facility_status_follow_the_shared_table(string name)
    {
        var c = Find("overall", name);
        var checklist = Checklist((string)c["kind"]!);
        var answers = c["verdicts"]!.AsObject().Select(kv =>
        {
            var item = checklist.Find(kv.Key) ?? throw new InvalidOperationException(kv.Key);
            return new JudgedAnswer(item.Code, null, null, null, item.Unit, (string)kv.Value!, null, item.Clause, item.Confidence, item.Severity, null, []);
        }).ToList();

        Assert.Equal((string)c["result"]!, InspectionJudge.Result(answers));
        Assert.Equal((string)c["facilityStatus"]!, InspectionJudge.FacilityStatus(answers));
    }

    private static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in Table[section]!.AsArray())
        {
            data.Add((string)c!["name"]!);
        }

        return data;
    }

    private static JsonObject Find(string section, string name) =>
        Table[section]!.AsArray().Single(c => (string)c!["name"]! == name)!.AsObject();

    private static Checklist Checklist(string kind) =>
        Catalog.TryGet(kind, out var c) ? c : throw new InvalidOperationException($"No checklist for {kind}.");

    private static AnswerRequest Filler(ChecklistItem item) => item.Type switch
    {
        "observation" => new AnswerRequest(item.Code, JsonValue.Create(true), null, null, null),
        "photo" => new AnswerRequest(item.Code, null, null, null, null),
        _ => new AnswerRequest(item.Code, JsonValue.Create((item.PhysicalRange!.Min + item.PhysicalRange.Max) / 2), item.Unit, null, null),
    };
}
