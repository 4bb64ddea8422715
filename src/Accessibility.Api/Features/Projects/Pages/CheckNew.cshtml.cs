using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>
/// Recording a design review or acceptance check of one planned facility: every item of its kind's checklist with the
/// measured value or observation, or "not applicable" with its reason. The use case judges the answers with the
/// inspection judge (one implementation) and stores the check; the result page shows the judged items.
/// </summary>
[StaffAccess(ResourceKinds.ConstructionProject, "update")]
public sealed class CheckNewModel(ProjectPagesAdapter projects, ChecklistCatalog checklists, FacilityKindCatalog kinds, IStringLocalizer text)
    : ProjectPageModel(text)
{
    /// <summary>The form.</summary>
    [BindProperty]
    public CheckForm Input { get; set; } = new();

    /// <summary>The project.</summary>
    public ProjectDetails? Project { get; private set; }

    /// <summary>The planned facility checked.</summary>
    public PlannedFacilityView? Facility { get; private set; }

    /// <summary>Its kind's name.</summary>
    public string KindName { get; private set; } = "";

    /// <summary>The checklist items asked (photos are added on the facility once it exists).</summary>
    public IReadOnlyList<ChecklistItem> Items { get; private set; } = [];

    /// <summary>The items this facility's check must answer (or mark not applicable): those with a confirmed threshold.</summary>
    public IReadOnlySet<string> Applicable { get; private set; } = new HashSet<string>();

    /// <summary>The empty form.</summary>
    public async Task<IActionResult> OnGetAsync(long id, long facilityId, CancellationToken ct) => await LoadAsync(id, facilityId, ct) ?? Page();

    /// <summary>Records the check and shows its judged items, or the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(long id, long facilityId, CancellationToken ct)
    {
        if (await LoadAsync(id, facilityId, ct) is { } refused)
        {
            return refused;
        }

        var answers = new List<CheckAnswer>();
        foreach (var item in Items)
        {
            var code = item.Code;
            if (Input.IsNotApplicable(code))
            {
                var reason = Input.Reasons.GetValueOrDefault(code)?.Trim();
                if (string.IsNullOrEmpty(reason))
                {
                    ModelState.AddModelError("Input.Reasons[" + code + "]", Text["staff-projects.error.reason", Label(item.Labels)]);
                }

                answers.Add(new CheckAnswer(code, null, null, true, reason));
                continue;
            }

            // Every applicable item is sent (empty when not filled in), so the judge names what is missing.
            var typed = Input.Values.GetValueOrDefault(code)?.Trim();
            if (!Applicable.Contains(code) && string.IsNullOrEmpty(typed))
            {
                continue;
            }

            var unit = item.Type == "measurement" && !string.IsNullOrEmpty(Input.Units.GetValueOrDefault(code)) ? Input.Units[code] : null;
            answers.Add(new CheckAnswer(code, Value(item, typed), unit, false, null));
        }

        // The use case runs even when a reason is missing here (it refuses that too), so every error shows at once.
        var note = string.IsNullOrWhiteSpace(Input.Note) ? null : Input.Note.Trim();
        var outcome = await projects.RecordCheckAsync(HttpContext, id, facilityId, Project!.Stage, answers, note, ct);
        if (outcome.Succeeded && ModelState.IsValid)
        {
            return Redirect(ProjectPaths.Check(id, outcome.Id!.Value));
        }

        if (outcome.Status is StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound or StatusCodes.Status409Conflict && outcome.Errors.Count == 0)
        {
            return StatusPage(outcome.Status);
        }

        foreach (var (field, messages) in outcome.Errors)
        {
            var key = FieldOf(field, answers);
            if (ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0)
            {
                continue;
            }

            var item = Items.FirstOrDefault(i => key.EndsWith("[" + i.Code + "]", StringComparison.Ordinal));
            foreach (var message in messages)
            {
                var translated = Text["error:" + message];
                var shown = translated.ResourceNotFound ? message : translated.Value;
                ModelState.AddModelError(key, item is null ? shown : Text["staff-projects.error.item", Label(item.Labels), shown]);
            }
        }

        return Page();
    }

    /// <summary>The form key of an error on <c>answers[i].x</c>: the value (or unit, or reason) field of the i-th item sent.</summary>
    private static string FieldOf(string field, IReadOnlyList<CheckAnswer> sent)
    {
        if (field.StartsWith("answers[", StringComparison.Ordinal)
            && field.IndexOf(']', StringComparison.Ordinal) is > 8 and var end
            && int.TryParse(field.AsSpan(8, end - 8), NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            && i < sent.Count)
        {
            var part = field.EndsWith(".unit", StringComparison.Ordinal) ? "Units"
                : field.EndsWith(".reason", StringComparison.Ordinal) || field.EndsWith(".notApplicableReason", StringComparison.Ordinal) ? "Reasons"
                : "Values";
            return "Input." + part + "[" + sent[i].Item + "]";
        }

        return field == "note" ? "Input.Note" : string.Empty;
    }

    /// <summary>A typed value: a number when it reads as one, yes/no for an observation, else the text (a ratio such as 1:8).</summary>
    private static JsonNode? Value(ChecklistItem item, string? typed)
    {
        if (string.IsNullOrEmpty(typed))
        {
            return null;
        }

        if (item.Type == "observation")
        {
            return typed switch { "true" => JsonValue.Create(true), "false" => JsonValue.Create(false), _ => JsonValue.Create(typed) };
        }

        return double.TryParse(typed.Replace('，', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(typed);
    }

    private async Task<IActionResult?> LoadAsync(long id, long facilityId, CancellationToken ct)
    {
        var found = await projects.GetAsync(HttpContext, id, ct);
        if (found.Project is null)
        {
            return found.Status == StatusCodes.Status403Forbidden ? ForbiddenPage() : NotFoundPage();
        }

        Project = found.Project;
        if (!await HttpContext.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.ConstructionProject, Project.DistrictCode)))
        {
            return ForbiddenPage();
        }

        Facility = Project.Facilities.FirstOrDefault(f => f.Id == facilityId);
        if (Facility is null || !checklists.TryGet(Facility.Kind, out var checklist))
        {
            return NotFoundPage();
        }

        if (!IsCheckStage(Project.Stage))
        {
            // Checks are recorded at design review and at acceptance only.
            return StatusPage(StatusCodes.Status409Conflict);
        }

        KindName = kinds.TryGetPlannable(Facility.Kind, out var kind) ? Label(kind.Names) : Facility.Kind;
        Items = [.. checklist.Items.Where(i => i.Type != "photo")];
        Applicable = ProjectChecklist.Applicable(checklist, Facility.Attributes).Select(i => i.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var item in Items)
        {
            Input.Values.TryAdd(item.Code, "");
            Input.Units.TryAdd(item.Code, item.Unit ?? "");
            Input.Reasons.TryAdd(item.Code, "");
        }

        return null;
    }
}

/// <summary>One answer of a check as the page sends it to the use case.</summary>
/// <param name="Item">Item code.</param>
/// <param name="Value">Value (number, text such as 1:8, or true/false), null when not applicable or left empty.</param>
/// <param name="Unit">Unit of a measurement.</param>
/// <param name="NotApplicable">Whether the item does not apply.</param>
/// <param name="Reason">Why not.</param>
public sealed record CheckAnswer(string Item, JsonNode? Value, string? Unit, bool NotApplicable, string? Reason);
