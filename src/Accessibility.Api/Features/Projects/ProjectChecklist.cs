using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.Projects;

/// <summary>One judged item of a project check, as stored in <c>project_checks.items</c>.</summary>
/// <param name="Item">Checklist item code.</param>
/// <param name="Verdict">pass, fail, not_judged (recorded; no confirmed threshold) or not_applicable.</param>
/// <param name="Value">The value as entered.</param>
/// <param name="Unit">Unit as entered.</param>
/// <param name="CanonicalValue">Value in the item's canonical unit.</param>
/// <param name="CanonicalUnit">Canonical unit.</param>
/// <param name="Requirement">The rule's text: what the item must meet (what to correct when it fails).</param>
/// <param name="Clause">Clause of GB 55019 / GB 50763.</param>
/// <param name="Confidence">Confidence of the threshold.</param>
/// <param name="Severity">Severity of a failure.</param>
/// <param name="Note">Checker's note.</param>
/// <param name="Reason">Why the item does not apply (not_applicable only).</param>
public sealed record ProjectCheckItem(
    string Item, string Verdict, JsonNode? Value, string? Unit, double? CanonicalValue, string? CanonicalUnit, LocalizedText? Requirement,
    string? Clause, string Confidence, string Severity, string? Note, string? Reason)
{
    /// <summary>The inspection's answer this item becomes when the project is accepted (not-applicable items become none).</summary>
    public JudgedAnswer ToJudgedAnswer() => new(Item, Value?.DeepClone(), Unit, CanonicalValue, CanonicalUnit, Verdict, Requirement, Clause, Confidence, Severity, Note, []);
}

/// <summary>
/// The barrier-free check of a planned facility: its kind's checklist answered, each answer judged by the one
/// <see cref="InspectionJudge"/> (no second judge); every item with a confirmed threshold for the facility (an
/// "applicable" item) answered with a value or marked not applicable with a reason.
/// </summary>
public static class ProjectChecklist
{
    /// <summary>How items are stored and returned.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The items a check of a facility with <paramref name="attributes"/> must answer: those the judge judges.</summary>
    public static IReadOnlyList<ChecklistItem> Applicable(Checklist checklist, JsonObject? attributes)
    {
        ArgumentNullException.ThrowIfNull(checklist);
        return [.. checklist.Items.Where(i => InspectionJudge.JudgingRule(i, attributes) is not null)];
    }

    /// <summary>Judges <paramref name="answers"/>; errors by field (<c>answers[i].value</c>…). Empty when an error was recorded.</summary>
    public static IReadOnlyList<ProjectCheckItem> Judge(Checklist checklist, JsonObject? attributes, IReadOnlyList<CheckAnswerRequest?> answers, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(checklist);
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(errors);
        var applicable = Applicable(checklist, attributes);
        var items = new List<ProjectCheckItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < answers.Count; i++)
        {
            var at = "answers[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            var answer = answers[i];
            if (answer is null)
            {
                errors.Add(at, "An answer object is required.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(answer.Item))
            {
                errors.Add(at + ".item", "The checklist item code is required.");
                continue;
            }

            var item = checklist.Find(answer.Item);
            if (item is null)
            {
                errors.Add(at + ".item", $"Unknown item '{answer.Item}' in the {checklist.Kind} checklist; expected one of {string.Join(", ", checklist.Items.Select(x => x.Code))}.");
                continue;
            }

            if (!seen.Add(item.Code))
            {
                errors.Add(at + ".item", $"Item '{item.Code}' is answered twice.");
                continue;
            }

            Text.Optional(errors, at + ".note", answer.Note, 2000);
            if (answer.NotApplicable == true)
            {
                if (answer.Value is not null)
                {
                    errors.Add(at + ".value", "An item marked not applicable takes no value.");
                }

                if (string.IsNullOrWhiteSpace(answer.Reason))
                {
                    errors.Add(at + ".reason", $"Say why item '{item.Code}' ({item.Labels.En}) does not apply.");
                }
                else
                {
                    Text.Optional(errors, at + ".reason", answer.Reason, 2000);
                }

                var rule = InspectionJudge.RuleFor(item, attributes);
                items.Add(new ProjectCheckItem(item.Code, CheckVerdicts.NotApplicable, null, null, null, item.Unit, rule?.Text,
                    rule?.Clause ?? item.Clause, rule?.Confidence ?? item.Confidence, item.Severity, Text.Clean(answer.Note), Text.Clean(answer.Reason)));
                continue;
            }

            if (answer.Reason is not null)
            {
                errors.Add(at + ".reason", "A reason is given only for an item marked not applicable (notApplicable: true).");
            }

            // The inspection judge, on this one answer: an applicable item is required, so a missing value is an error there.
            var one = new Checklist(checklist.Kind, [applicable.Contains(item) ? item with { Required = true } : item with { Required = false }]);
            var local = new FieldErrors();
            var judged = InspectionJudge.Judge(one, attributes, [new AnswerRequest(answer.Item, answer.Value, answer.Unit, Text.Clean(answer.Note), null)], local);
            foreach (var (field, messages) in local.ToDictionary())
            {
                var renamed = field.StartsWith("answers[0]", StringComparison.Ordinal) ? at + field["answers[0]".Length..] : field;
                foreach (var m in messages)
                {
                    errors.Add(renamed, m);
                }
            }

            if (judged.Count == 1)
            {
                var a = judged[0];
                items.Add(new ProjectCheckItem(a.Item, a.Verdict, a.Value, a.Unit, a.CanonicalValue, a.CanonicalUnit, a.Threshold, a.Clause, a.Confidence, a.Severity, a.Note, null));
            }
        }

        foreach (var item in applicable.Where(i => !seen.Contains(i.Code)))
        {
            errors.Add("answers", $"Item '{item.Code}' ({item.Labels.En}) applies to this facility: answer it, or mark it not applicable with a reason.");
        }

        return errors.IsEmpty ? items : [];
    }

    /// <summary>pass unless an item failed.</summary>
    public static string Result(IEnumerable<ProjectCheckItem> items) => items.Any(i => i.Verdict == Verdicts.Fail) ? Verdicts.Fail : Verdicts.Pass;

    /// <summary>The items as stored.</summary>
    public static JsonArray ToJson(IReadOnlyList<ProjectCheckItem> items) => JsonSerializer.SerializeToNode(items, Json)!.AsArray();

    /// <summary>The items of a stored check.</summary>
    public static IReadOnlyList<ProjectCheckItem> Read(JsonArray items) => items.Deserialize<List<ProjectCheckItem>>(Json) ?? [];
}

/// <summary>A barrier-free failure still open: an item failing in a planned facility's latest check of a stage, not waived.</summary>
/// <param name="PlannedFacilityId">The planned facility.</param>
/// <param name="Name">Its name.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Item">The failing item, or null when the facility has no check in the stage yet.</param>
/// <param name="Requirement">What the item must meet.</param>
/// <param name="Clause">The clause.</param>
/// <param name="Note">The checker's note.</param>
/// <param name="CheckId">The check, or null when there is none.</param>
public sealed record OpenFailure(long PlannedFacilityId, string Name, string Kind, string? Item, LocalizedText? Requirement, string? Clause, string? Note, long? CheckId)
{
    /// <summary>The field the failure is named under: <c>plannedFacilities[12].slope</c>, or <c>plannedFacilities[12]</c> when unchecked.</summary>
    public string Field => "plannedFacilities[" + PlannedFacilityId.ToString(CultureInfo.InvariantCulture) + "]" + (Item is null ? "" : "." + Item);

    /// <summary>What the failure is, in words.</summary>
    public string Message => Item is null
        ? $"{Name} ({Kind}) has no check at this stage yet."
        : $"{Name} ({Kind}): item '{Item}' fails"
          + (Requirement is null ? "" : " — required " + Requirement.En + " / " + Requirement.Zh)
          + (Clause is null ? "" : " (" + Clause + ")")
          + (Note is null ? "" : "; checker's note: " + Note)
          + ". Correct it and record a passing check, or have an administrator waive it with a reason.";
}

/// <summary>The barrier-free state of a project at a stage, from its planned facilities' latest checks and its waivers.</summary>
public static class ProjectBarriers
{
    /// <summary>The latest check of each planned facility at <paramref name="stage"/>, by planned facility id.</summary>
    public static Dictionary<long, CheckRow> Latest(IEnumerable<CheckRow> checks, string stage) => checks
        .Where(c => c.Stage == stage)
        .GroupBy(c => c.PlannedFacilityId)
        .ToDictionary(g => g.Key, g => g.OrderBy(c => c.CheckedAt).ThenBy(c => c.Id).Last());

    /// <summary>
    /// The open failures at <paramref name="stage"/>: a planned facility with no check there, or an item failing in its latest
    /// check there that no waiver of that stage covers.
    /// </summary>
    public static IReadOnlyList<OpenFailure> Open(
        IReadOnlyList<PlannedFacilityRow> planned, IReadOnlyList<CheckRow> checks, IReadOnlyList<WaiverRow> waivers, string stage)
    {
        ArgumentNullException.ThrowIfNull(planned);
        var latest = Latest(checks, stage);
        var open = new List<OpenFailure>();
        foreach (var p in planned)
        {
            if (!latest.TryGetValue(p.Id, out var check))
            {
                open.Add(new OpenFailure(p.Id, p.Name, p.Kind, null, null, null, null, null));
                continue;
            }

            foreach (var item in ProjectChecklist.Read(check.Items).Where(i => i.Verdict == Verdicts.Fail))
            {
                if (!Waived(waivers, p.Id, stage, item.Item))
                {
                    open.Add(new OpenFailure(p.Id, p.Name, p.Kind, item.Item, item.Requirement, item.Clause, item.Note, check.Id));
                }
            }
        }

        return open;
    }

    /// <summary>Whether a waiver of <paramref name="stage"/> covers <paramref name="item"/> of planned facility <paramref name="plannedId"/>.</summary>
    public static bool Waived(IEnumerable<WaiverRow> waivers, long plannedId, string stage, string item) =>
        waivers.Any(w => w.PlannedFacilityId == plannedId && w.Stage == stage && string.Equals(w.Item, item, StringComparison.Ordinal));

    /// <summary>The 409 naming every open failure (<c>errors</c> by field, and <c>failures</c>).</summary>
    public static IResult Problem(IReadOnlyList<OpenFailure> open, string title, string detail) =>
        TypedResults.Problem(new HttpValidationProblemDetails(Errors(open).ToDictionary())
        {
            Status = StatusCodes.Status409Conflict,
            Title = title,
            Detail = detail,
            Extensions = { ["failures"] = JsonSerializer.SerializeToNode(open, ProjectChecklist.Json) },
        });

    /// <summary>The open failures as field errors (for a page's error summary).</summary>
    public static FieldErrors Errors(IReadOnlyList<OpenFailure> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        var errors = new FieldErrors();
        foreach (var f in open)
        {
            errors.Add(f.Field, f.Message);
        }

        return errors;
    }
}
