using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace Accessibility.Api.Features.Inspections.Pages;

/// <summary>
/// A server-rendered inspection of one facility: the checklist of its kind (measured values with their units, yes/no
/// observations), judged by <see cref="InspectionJudge"/> and stored by <see cref="SubmitInspection"/> as the API does,
/// so a re-inspection verifies the fixed defects (and closes their reports) or reopens them.
/// </summary>
[StaffAccess(ResourceKinds.Inspection, "create")]
public sealed class ReinspectModel(RegistryDbContext db, ChecklistCatalog checklists, FacilityKindCatalog kinds, DefectBoard board, NpgsqlDataSource dataSource, IStringLocalizer text)
    : StaffPageModel
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>The facility's id.</summary>
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    /// <summary>The inspection just recorded, shown with its verdicts.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Recorded { get; set; }

    /// <summary>The form.</summary>
    [BindProperty]
    public InspectionForm Input { get; set; } = new();

    /// <summary>The facility.</summary>
    public Facility? Facility { get; private set; }

    /// <summary>Its kind's name.</summary>
    public string KindName { get; private set; } = "";

    /// <summary>Its kind's checklist.</summary>
    public Checklist? Checklist { get; private set; }

    /// <summary>Its unclosed defects (what a re-inspection verifies).</summary>
    public IReadOnlyList<DefectView> OpenDefects { get; private set; } = [];

    /// <summary>The recorded inspection (after recording).</summary>
    public JsonObject? Result { get; private set; }

    /// <summary>Shows the form (or, after recording, the verdicts).</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        Input.ClientId = Guid.NewGuid();
        foreach (var item in Checklist!.Items)
        {
            Input.Units[item.Code] = item.Unit ?? "";
        }

        if (Recorded is { } id)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            if (await InspectionSql.ByIdAsync(connection, id, InspectionEndpoints.StaffNames(HttpContext), ct) is { } stored && stored.DistrictCode == Facility!.DistrictCode)
            {
                Result = JsonNode.Parse(stored.Json)!.AsObject();
            }
        }

        return Page();
    }

    /// <summary>Judges and records the inspection.</summary>
    public async Task<IActionResult> OnPostAsync([FromServices] SubmitInspection submit, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        // Every required item is sent (empty when not filled in), so the judge names the field that is missing.
        var asked = Checklist!.Items.Where(i => i.Type != "photo"
            && (i.Required || !string.IsNullOrWhiteSpace(Input.Values.GetValueOrDefault(i.Code)))).ToList();
        var answers = asked.Select(i => (AnswerRequest?)new AnswerRequest(i.Code, Value(i, Input.Values.GetValueOrDefault(i.Code)),
            i.Type == "measurement" && !string.IsNullOrEmpty(Input.Units.GetValueOrDefault(i.Code)) ? Input.Units[i.Code] : null, null, null)).ToList();
        var request = new InspectionRequest(Input.ClientId, Id, null, answers, string.IsNullOrWhiteSpace(Input.Note) ? null : Input.Note, null);
        var outcome = await submit.RunAsync(HttpContext, request, ct);
        if (outcome.Succeeded)
        {
            return RedirectToPage(null, new { id = Id, recorded = outcome.Value!.Id });
        }

        switch (outcome.Status)
        {
            case StatusCodes.Status404NotFound:
                return NotFoundPage();
            case StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden:
                return ForbiddenPage();
        }

        foreach (var (field, messages) in outcome.Errors)
        {
            foreach (var message in messages)
            {
                ModelState.AddModelError(FieldOf(field, asked), Translate(field, message));
            }
        }

        return Page();
    }

    /// <summary>The form key of a judge's error: <c>answers[i].value</c> is the value field of the i-th item sent.</summary>
    private static string FieldOf(string field, IReadOnlyList<ChecklistItem> asked)
    {
        if (field.StartsWith("answers[", StringComparison.Ordinal)
            && int.TryParse(field.AsSpan(8, field.IndexOf(']', StringComparison.Ordinal) - 8), NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            && i < asked.Count)
        {
            var part = field.EndsWith(".unit", StringComparison.Ordinal) ? "Units" : "Values";
            return "Input." + part + "[" + asked[i].Code + "]";
        }

        return field is "note" ? "Input.Note" : string.Empty;
    }

    private string Translate(string field, string message)
    {
        var kind = field.EndsWith(".unit", StringComparison.Ordinal) ? "unit" : field.EndsWith(".value", StringComparison.Ordinal) ? "value" : null;
        return kind is null ? message : text["reinspect.error." + kind, message].Value;
    }

    /// <summary>A typed value: a number when it reads as one, yes/no for an observation, else the text (a ratio such as 1:12).</summary>
    private static JsonNode? Value(ChecklistItem item, string? typed)
    {
        var t = typed?.Trim();
        if (string.IsNullOrEmpty(t))
        {
            return null;
        }

        if (item.Type == "observation")
        {
            return t switch { "true" => JsonValue.Create(true), "false" => JsonValue.Create(false), _ => JsonValue.Create(t) };
        }

        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(t);
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        Facility = await db.Facilities.AsNoTracking().SingleOrDefaultAsync(f => f.Id == Id && f.DeletedAt == null, ct);
        if (Facility is null)
        {
            return NotFoundPage();
        }

        if (!await HttpContext.MayAsync(Operations.Create, RegistryResource.In(ResourceKinds.Inspection, Facility.DistrictCode) with { GridCode = Facility.GridCode }))
        {
            return ForbiddenPage();
        }

        if (!checklists.TryGet(Facility.Kind, out var checklist))
        {
            return NotFoundPage();
        }

        Checklist = checklist;
        KindName = kinds.TryGet(Facility.Kind, out var kind) ? kind.Names.Local() : Facility.Kind;
        foreach (var item in checklist.Items)
        {
            Input.Values.TryAdd(item.Code, "");
            Input.Units.TryAdd(item.Code, item.Unit ?? "");
        }

        var open = new List<DefectView>();
        foreach (var status in DefectStatuses.Active)
        {
            open.AddRange((await board.ListAsync(HttpContext, new DefectFilter(null, status, null, null, null, Id), 100, 0, ct)).Defects);
        }

        OpenDefects = open;
        return null;
    }

    /// <summary>The judged answers of the recorded inspection.</summary>
    public IReadOnlyList<JudgedAnswer> RecordedAnswers =>
        Result?["answers"]?.Deserialize<List<JudgedAnswer>>(Web) ?? [];

    /// <summary>The defects the recorded inspection created, verified or reopened.</summary>
    public IReadOnlyList<DefectView> RecordedDefects =>
        Result?["defects"]?.Deserialize<List<DefectView>>(Web) ?? [];
}

/// <summary>The inspection form: one value (and unit) per checklist item, by item code.</summary>
public sealed class InspectionForm
{
    /// <summary>Client id, made when the form was shown: sending the form twice records one inspection.</summary>
    public Guid ClientId { get; set; }

    /// <summary>Values by item code: a measurement as typed, an observation as <c>true</c>/<c>false</c>.</summary>
    public Dictionary<string, string> Values { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Units of the measurements, by item code.</summary>
    public Dictionary<string, string> Units { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Note on the whole inspection.</summary>
    public string? Note { get; set; }
}
