using System.Globalization;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Renovations.Pages;

/// <summary>
/// A district's priority weights and eligible households, and its budget per year (district administrators): the same use
/// cases as <c>PUT /api/v1/renovations/settings/{district}</c> and <c>PUT …/budgets/{district}/{year}</c>.
/// </summary>
[StaffAccess(ResourceKinds.RenovationPlan, "update")]
public sealed class SettingsModel(
    DistrictRenovationSettings settings, RenovationBudgets budgets, RenovationDistricts districts, IStringLocalizer text, TimeProvider clock)
    : RenovationPageModel
{
    /// <summary>County.</summary>
    [BindProperty(SupportsGet = true)]
    public string? District { get; set; }

    /// <summary>Weights by term, as typed.</summary>
    [BindProperty]
    public Dictionary<string, string?> Weights { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Eligible households.</summary>
    [BindProperty]
    public int? EligibleHouseholds { get; set; }

    /// <summary>Budget year.</summary>
    [BindProperty]
    public int? BudgetYear { get; set; }

    /// <summary>Amount allocated.</summary>
    [BindProperty]
    public decimal? Allocated { get; set; }

    /// <summary>What was saved.</summary>
    public string? Saved { get; private set; }

    /// <summary>The form filled with the district's settings.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        Saved = Request.Query["saved"].ToString() switch
        {
            "weights" => text["ren.settings.weightsSaved"].Value,
            var y when int.TryParse(y, NumberStyles.None, CultureInfo.InvariantCulture, out var year) => text["ren.settings.budgetSaved", year].Value,
            _ => null,
        };
        return Page();
    }

    /// <summary>Saves the weights and eligible households.</summary>
    public async Task<IActionResult> OnPostWeightsAsync(CancellationToken ct)
    {
        Counties = await districts.CountiesAsync(User, ct);
        var weights = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var term in PriorityScore.Terms)
        {
            var typed = Weights.GetValueOrDefault(term);
            if (decimal.TryParse(typed, NumberStyles.Number, CultureInfo.InvariantCulture, out var w))
            {
                weights[term] = w;
            }
            else
            {
                ModelState.AddModelError(WeightId(term), text["ren.settings.weightHint"].Value);
            }
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var outcome = await settings.SetAsync(HttpContext, District, new RenovationSettingsRequest(weights, EligibleHouseholds), ct);
        if (outcome.Status == StatusCodes.Status403Forbidden)
        {
            return ForbiddenPage();
        }

        if (!outcome.Succeeded)
        {
            foreach (var (field, messages) in outcome.Errors)
            {
                var key = field.StartsWith("weights.", StringComparison.Ordinal) ? WeightId(field["weights.".Length..]) : field == "eligibleHouseholds" ? "EligibleHouseholds" : "";
                foreach (var m in messages)
                {
                    ModelState.AddModelError(key, m);
                }
            }

            return Page();
        }

        return LocalRedirect("/staff/cases/settings" + SavedQuery("weights"));
    }

    /// <summary>Saves the budget of a year.</summary>
    public async Task<IActionResult> OnPostBudgetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var outcome = await budgets.SetAsync(HttpContext, District, BudgetYear ?? 0, new BudgetRequest(Allocated), ct);
        if (outcome.Status == StatusCodes.Status403Forbidden)
        {
            return ForbiddenPage();
        }

        if (!outcome.Succeeded)
        {
            AddServiceErrors(outcome.Errors.ToDictionary(e => e.Key switch { "year" => "BudgetYear", "allocated" => "Allocated", _ => "" }, e => e.Value), "");
            return Page();
        }

        return LocalRedirect("/staff/cases/settings" + SavedQuery(BudgetYear!.Value.ToString(CultureInfo.InvariantCulture)));
    }

    private QueryString SavedQuery(string saved) =>
        QueryString.Create(new Dictionary<string, string?>(StringComparer.Ordinal) { ["district"] = District, ["saved"] = saved });

    /// <summary>The id of a weight's field.</summary>
    public static string WeightId(string term) => "weight-" + term;

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        Counties = await districts.CountiesAsync(User, ct);
        District = Chosen(District, Counties);
        var outcome = await settings.GetAsync(HttpContext, District, ct);
        if (outcome.Status == StatusCodes.Status403Forbidden)
        {
            return ForbiddenPage();
        }

        if (outcome.Value is { } s && HttpMethods.IsGet(Request.Method))
        {
            Weights = s.Weights.ToDictionary(w => w.Key, w => (string?)w.Value.ToString("0.##", CultureInfo.InvariantCulture), StringComparer.Ordinal);
            EligibleHouseholds = s.EligibleHouseholds;
            BudgetYear = RenovationCaseRules.Today(clock).Year;
        }

        AddServiceErrors(outcome.Errors, "");
        return null;
    }
}
