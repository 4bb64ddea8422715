using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Renovations.Pages;

/// <summary>
/// What registering and editing a case share: the form, the item suggestions, and placing the household from its address
/// when no coordinates were typed or picked on the map.
/// </summary>
public abstract class CaseFormPageModel(
    RenovationItemCatalog catalog, SuggestRenovationItems suggest, LocateRenovationHousehold locate, RenovationDistricts districts, IStringLocalizer text)
    : RenovationPageModel
{
    /// <summary>The form.</summary>
    [BindProperty]
    public CaseForm Input { get; set; } = new();

    /// <summary>The item catalogue (barriers, categories, items).</summary>
    public RenovationItemCatalog Catalog => catalog;

    /// <summary>Items suggested for the barriers and category (after "suggest").</summary>
    public IReadOnlyList<ItemSuggestion>? Suggestions { get; private set; }

    /// <summary>Where the address put the household, when it did.</summary>
    public HouseholdPlace? Located { get; private set; }

    /// <summary>Whether the form edits a stored case (ID number and phone may stay empty).</summary>
    public abstract bool Editing { get; }

    /// <summary>Loads the choices of the form.</summary>
    protected async Task LoadChoicesAsync(CancellationToken ct)
    {
        Counties = await districts.CountiesAsync(User, ct);
        Input.DistrictCode ??= Counties.FirstOrDefault()?.Code;
        Input.AlignItems(catalog);
    }

    /// <summary>"Suggest items": the suggestions for the barriers ticked and the category chosen; the suggested items ticked.</summary>
    protected void Suggest()
    {
        var outcome = suggest.Suggest(Input.Barriers, Input.DisabilityCategory);
        if (!outcome.Succeeded)
        {
            var errors = outcome.Errors.ToDictionary(
                e => e.Key switch { "category" => "Input.DisabilityCategory", _ => "Input.Barriers" }, e => e.Value, StringComparer.Ordinal);
            AddServiceErrors(errors, "");
            return;
        }

        Suggestions = outcome.Value;
        // The lines are drawn from the model, not from the posted values, so that the ticks just made show.
        ModelState.Clear();
        var codes = Suggestions!.Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var line in Input.Items.Where(l => l.Code is not null && codes.Contains(l.Code)))
        {
            line.Chosen = true;
        }
    }

    /// <summary>
    /// The request of the form, or null when the form's own values do not parse (the errors are then in the model state).
    /// Coordinates typed must be two numbers; without them, the address places the household in the township it names.
    /// </summary>
    protected async Task<RenovationCaseRequest> RequestAsync(CancellationToken ct)
    {
        if (Input.HasCoordinates)
        {
            if (!Input.CoordinatesParse(out _, out _))
            {
                ModelState.AddModelError("Input.Longitude", text["ren.form.coordinatesInvalid"].Value);
            }
        }
        else
        {
            Located = await locate.LocateAsync(Input.DistrictCode, Input.Address, ct);
        }

        return Input.ToRequest(Located);
    }

    /// <summary>Shows a refusal of the service on the form: its field errors at their fields, anything else in the summary.</summary>
    protected void ShowRefusal<T>(RenovationOutcome<T> outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var errors = Input.FormErrors(outcome.Errors);
        if (errors.Remove("Input.Longitude", out var location))
        {
            // The form's own message when the coordinates did not parse; the township rule's when none were typed.
            if (!ModelState.ContainsKey("Input.Longitude"))
            {
                errors["Input.Longitude"] = Input.HasCoordinates ? location : [text["ren.form.notLocated"].Value];
            }
        }

        AddServiceErrors(errors, "");
        if (errors.Count == 0)
        {
            ModelState.AddModelError("", outcome.Problem?.Detail ?? outcome.Problem?.Title ?? "");
        }
    }
}
