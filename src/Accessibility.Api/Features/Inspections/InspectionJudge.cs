using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.Inspections;

/// <summary>Verdicts of an answer.</summary>
public static class Verdicts
{
    /// <summary>Meets the threshold.</summary>
    public const string Pass = "pass";

    /// <summary>Misses the threshold: becomes a defect.</summary>
    public const string Fail = "fail";

    /// <summary>Recorded, not judged (no confirmed threshold, photo, no value).</summary>
    public const string NotJudged = "not_judged";
}

/// <summary>An answer as the inspector sent it.</summary>
/// <param name="Item">Checklist item code.</param>
/// <param name="Value">Number or string (measurement), boolean (observation), null (photo, or not measured).</param>
/// <param name="Unit">Unit the value was entered in; the item's canonical unit when absent.</param>
/// <param name="Note">Free text.</param>
/// <param name="PhotoIds">Photos of this item.</param>
public sealed record AnswerRequest(string? Item, JsonNode? Value, string? Unit, string? Note, List<Guid>? PhotoIds);

/// <summary>An answer with its verdict, as stored and returned.</summary>
/// <param name="Item">Item code.</param>
/// <param name="Value">The value as entered.</param>
/// <param name="Unit">Unit as entered (or canonical).</param>
/// <param name="CanonicalValue">Value in the item's canonical unit, or null.</param>
/// <param name="CanonicalUnit">The item's canonical unit, or null.</param>
/// <param name="Verdict">pass, fail or not_judged.</param>
/// <param name="Threshold">The threshold applied, or null.</param>
/// <param name="Clause">Clause the threshold comes from.</param>
/// <param name="Confidence">Confidence of the threshold.</param>
/// <param name="Severity">Severity of the defect a failure creates.</param>
/// <param name="Note">Inspector's note.</param>
/// <param name="PhotoIds">Photos of this item.</param>
public sealed record JudgedAnswer(
    string Item,
    JsonNode? Value,
    string? Unit,
    double? CanonicalValue,
    string? CanonicalUnit,
    string Verdict,
    LocalizedText? Threshold,
    string? Clause,
    string Confidence,
    string Severity,
    string? Note,
    IReadOnlyList<Guid> PhotoIds);

/// <summary>
/// Judges checklist answers: pure, no database. Unit conversion, physical range, the rule that
/// applies to the facility (first whose <c>when</c> matches its attributes), verdict, and the
/// overall result and facility status.
/// </summary>
public static class InspectionJudge
{
    /// <summary>Facility statuses an inspection can set.</summary>
    public const string Operational = "operational";

    /// <summary>Some item failed, none critical.</summary>
    public const string DefectiveUsable = "defective_usable";

    /// <summary>A critical item failed.</summary>
    public const string Unusable = "unusable";

    /// <summary>
    /// Judges <paramref name="answers"/> against <paramref name="checklist"/> for a facility with
    /// <paramref name="attributes"/>. Problems are added to <paramref name="errors"/> as
    /// <c>answers[i].item</c>, <c>answers[i].unit</c>, <c>answers[i].value</c> or <c>answers</c>.
    /// </summary>
    /// <returns>The judged answers, in the order sent; empty when an error was recorded.</returns>
    public static IReadOnlyList<JudgedAnswer> Judge(Checklist checklist, JsonObject? attributes, IReadOnlyList<AnswerRequest?> answers, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(checklist);
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(errors);
        var judged = new List<JudgedAnswer>();
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

            if (answer.Note is { Length: > 2000 })
            {
                errors.Add(at + ".note", "At most 2000 characters.");
            }

            if (JudgeOne(item, attributes, answer, at, errors) is { } result)
            {
                judged.Add(result);
            }
        }

        foreach (var item in checklist.Items.Where(x => x.Required && !seen.Contains(x.Code)))
        {
            errors.Add("answers", $"Item '{item.Code}' ({item.Labels.En}) is required.");
        }

        return errors.IsEmpty ? judged : [];
    }

    private static JudgedAnswer? JudgeOne(ChecklistItem item, JsonObject? attributes, AnswerRequest answer, string at, FieldErrors errors)
    {
        var value = answer.Value;
        var photos = (IReadOnlyList<Guid>?)answer.PhotoIds ?? [];
        var rule = RuleFor(item, attributes);
        var judges = JudgingRule(item, attributes) is not null;
        JudgedAnswer Result(string? unit, double? canonical, string verdict) => new(
            item.Code, value?.DeepClone(), unit, canonical, item.Unit, verdict,
            rule?.Text, rule?.Clause ?? item.Clause, rule?.Confidence ?? item.Confidence, item.Severity, answer.Note, photos);

        switch (item.Type)
        {
            case "photo":
                if (value is not null)
                {
                    errors.Add(at + ".value", "A photo item takes photoIds, not a value.");
                    return null;
                }

                if (answer.Unit is not null)
                {
                    errors.Add(at + ".unit", "A photo item has no unit.");
                    return null;
                }

                return Result(null, null, Verdicts.NotJudged);

            case "observation":
                if (answer.Unit is not null)
                {
                    errors.Add(at + ".unit", "An observation (yes/no) has no unit.");
                    return null;
                }

                if (value is null)
                {
                    return NotAnswered(item, at, errors) ? null : Result(null, null, Verdicts.NotJudged);
                }

                if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add(at + ".value", "Expected true or false.");
                    return null;
                }

                var observed = value.GetValue<bool>();
                return Result(null, null, !judges ? Verdicts.NotJudged : observed == rule!.EqualsValue ? Verdicts.Pass : Verdicts.Fail);

            default:
                var unit = answer.Unit ?? item.Unit!;
                if (!item.AcceptedUnits.Contains(unit, StringComparer.Ordinal))
                {
                    errors.Add(at + ".unit", $"'{unit}' is not a unit of {item.Quantity} for item '{item.Code}'; expected one of {string.Join(", ", item.AcceptedUnits)}.");
                    return null;
                }

                if (value is null)
                {
                    return NotAnswered(item, at, errors) ? null : Result(unit, null, Verdicts.NotJudged);
                }

                var canonical = Units.ToCanonical(value, unit, item.Unit!, out var readError);
                if (canonical is not { } v)
                {
                    errors.Add(at + ".value", readError!);
                    return null;
                }

                var range = item.PhysicalRange!;
                if (!(v >= range.Min && v <= range.Max))
                {
                    errors.Add(at + ".value", Invariant(
                        $"{value.ToJsonString()} {unit} is outside the physical range of '{item.Code}' ({Show(range.Min)}–{Show(range.Max)} {item.Unit}): check the measurement and its unit."));
                    return null;
                }

                if (!judges)
                {
                    return Result(unit, v, Verdicts.NotJudged);
                }

                // 1e-9: the value is rounded to 9 decimals, so 1:12 entered as "1:12", 0.083333333 or 8.3333333 % passes ≤ 1:12.
                var pass = (rule!.Min is not { } min || v >= min - 1e-9) && (rule.Max is not { } max || v <= max + 1e-9);
                return Result(unit, v, pass ? Verdicts.Pass : Verdicts.Fail);
        }
    }

    /// <summary>The rule of <paramref name="item"/> that applies to a facility with <paramref name="attributes"/> (first whose <c>when</c> matches), or null.</summary>
    public static ChecklistRule? RuleFor(ChecklistItem item, JsonObject? attributes)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Rules.FirstOrDefault(r => r.When is null || r.When.Matches(attributes));
    }

    /// <summary>
    /// The rule that judges <paramref name="item"/> for a facility with <paramref name="attributes"/>: the applying rule when it
    /// sets a threshold and the item's threshold is confirmed; null when the item is recorded without a verdict.
    /// </summary>
    public static ChecklistRule? JudgingRule(ChecklistItem item, JsonObject? attributes)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Type != "photo" && item.Confidence != "unconfirmed" && RuleFor(item, attributes) is { Judges: true } rule ? rule : null;
    }

    private static bool NotAnswered(ChecklistItem item, string at, FieldErrors errors)
    {
        if (item.Required)
        {
            errors.Add(at + ".value", $"Item '{item.Code}' is required: a value is needed.");
            return true;
        }

        return false;
    }

    /// <summary><c>fail</c> when any answer failed, else <c>pass</c>.</summary>
    public static string Result(IEnumerable<JudgedAnswer> answers) =>
        answers.Any(a => a.Verdict == Verdicts.Fail) ? Verdicts.Fail : Verdicts.Pass;

    /// <summary>Any failed critical item: unusable; any other failure: defective but usable; none: operational.</summary>
    public static string FacilityStatus(IReadOnlyCollection<JudgedAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var failed = answers.Where(a => a.Verdict == Verdicts.Fail).ToList();
        return failed.Any(a => a.Severity == "critical") ? Unusable
            : failed.Count > 0 ? DefectiveUsable
            : Operational;
    }

    private static string Show(double v) => v.ToString("0.#########", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
