using System.Globalization;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Sharing.Pages;

/// <summary>
/// Issuing a key to another department, scoped to districts and layers: the same use case as <c>POST /api/v1/api-keys</c>.
/// The secret is shown in the answer to the post, once; it is not stored and the page is not cached.
/// </summary>
[StaffAccess(ResourceKinds.ApiKey, "administer")]
public sealed class NewModel(IssueApiKey issue, DistrictChoices districts, Microsoft.Extensions.Localization.IStringLocalizer text) : StaffPageModel
{
    /// <summary>What the form posts.</summary>
    [BindProperty]
    public ApiKeyForm Input { get; set; } = new();

    /// <summary>Districts to choose from (null: typed as codes).</summary>
    public IReadOnlyList<DistrictChoice>? Districts { get; private set; }

    /// <summary>The key just issued, with its secret.</summary>
    public CreatedApiKey? Created { get; private set; }

    /// <summary>An empty form.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Issues the key and shows its secret, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var formErrors = new FieldErrors();
        int? days = null;
        if (!string.IsNullOrWhiteSpace(Input.ExpiresInDays))
        {
            if (int.TryParse(Input.ExpiresInDays.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var d))
            {
                days = d;
            }
            else
            {
                formErrors.Add("expiresInDays", "A key expires in 1 to 3650 days, or never when left out.");
            }
        }

        // Typed codes may be separated by spaces, commas or the Chinese enumeration comma.
        var codes = Input.DistrictCodes.SelectMany(c => c.Split([' ', ',', '，', '、'], StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var request = new CreateApiKeyRequest(Input.Department, Input.Purpose, codes, [.. Input.Layers], days);
        var outcome = formErrors.IsEmpty ? await issue.RunAsync(HttpContext, request, ct) : null;
        switch (outcome?.Kind)
        {
            case OutcomeKind.Done:
                Created = outcome.Value;
                Response.Headers.CacheControl = "no-store";
                return Page();
            case OutcomeKind.Refused:
                ModelState.AddModelError(FieldKey("districtCodes"), text["apiKeys.outsideScope"]);
                break;
            case OutcomeKind.Invalid:
                var errors = outcome.Errors!.ToDictionary();
                if (errors.ContainsKey("layers") && Input.Layers.Count == 0)
                {
                    errors["layers"] = [text["apiKeys.error.layersRequired"]];
                }

                AddServiceErrors(errors);
                break;
            default:
                AddServiceErrors(formErrors.ToDictionary());
                break;
        }

        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Districts = await districts.WithinAsync(ReadScope.For(User, ResourceKinds.ApiKey, Operations.Administer), ct);
}

/// <summary>The API key form as posted.</summary>
public sealed class ApiKeyForm
{
    /// <summary>Department the key is issued to.</summary>
    public string? Department { get; set; }

    /// <summary>What it is for.</summary>
    public string? Purpose { get; set; }

    /// <summary>Districts it reads.</summary>
    public List<string> DistrictCodes { get; set; } = [];

    /// <summary>Layers it reads.</summary>
    public List<string> Layers { get; set; } = [];

    /// <summary>Lifetime in days (empty: never expires).</summary>
    public string? ExpiresInDays { get; set; }
}
