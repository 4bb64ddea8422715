using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.Renovations.Pages;

/// <summary>
/// The cases of a district with filters, search and paging: the same use case as <c>GET /api/v1/renovations/cases</c>,
/// numbers masked as the API masks them. A list is not audited (it shows the last 4 characters only); a case's page is.
/// </summary>
[StaffAccess(ResourceKinds.RenovationCase, "read-personal")]
public sealed class CasesModel(ListRenovationCases cases, RenovationDistricts districts) : RenovationPageModel
{
    /// <summary>Cases per page.</summary>
    public const int PageSize = 20;

    /// <summary>County.</summary>
    [BindProperty(SupportsGet = true)]
    public string? District { get; set; }

    /// <summary>Status filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>Year identified.</summary>
    [BindProperty(SupportsGet = true)]
    public int? Year { get; set; }

    /// <summary>Township.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Township { get; set; }

    /// <summary>"priority" for the waiting households by score.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Order { get; set; }

    /// <summary>Search text.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>Page number, from 1 (not "page": Razor Pages route by that name).</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>Townships of the district.</summary>
    public IReadOnlyList<DistrictChoice> Townships { get; private set; } = [];

    /// <summary>The page of cases.</summary>
    public RenovationCaseList? Result { get; private set; }

    /// <summary>Pages in all.</summary>
    public int PageCount => Result is null ? 0 : Math.Max(1, (Result.Total + PageSize - 1) / PageSize);

    /// <summary>Lists the cases.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Counties = await districts.CountiesAsync(User, ct);
        District = Chosen(District, Counties);
        if (District is null)
        {
            return Page();
        }

        Townships = await districts.TownshipsAsync(District, ct);
        PageNumber = Math.Max(1, PageNumber);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var outcome = await cases.ListAsync(HttpContext, new RenovationCaseQuery(
            District, string.IsNullOrEmpty(Status) ? null : Status, Year, string.IsNullOrEmpty(Township) ? null : Township, Q,
            Order == "priority", PageSize, (PageNumber - 1) * PageSize), ct);
        if (outcome.Status == StatusCodes.Status403Forbidden)
        {
            return ForbiddenPage();
        }

        if (!outcome.Succeeded)
        {
            AddServiceErrors(outcome.Errors, "");
            return Page();
        }

        Result = outcome.Value;
        return Page();
    }

    /// <summary>This list with another page number.</summary>
    public string PageHref(int page) => "/staff/cases" + QueryString.Create(new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["district"] = District,
        ["status"] = Status,
        ["year"] = Year?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["township"] = Township,
        ["order"] = Order,
        ["q"] = Q,
        ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(p => !string.IsNullOrEmpty(p.Value)));
}
