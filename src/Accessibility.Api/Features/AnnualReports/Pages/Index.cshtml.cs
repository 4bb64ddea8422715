using Accessibility.Api.Data;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;

namespace Accessibility.Api.Features.AnnualReports.Pages;

/// <summary>What the publishing form posts.</summary>
public sealed class PublishForm
{
    /// <summary>The district's code.</summary>
    public string? District { get; set; }

    /// <summary>The ended year.</summary>
    public string? Year { get; set; }

    /// <summary>The edition's note.</summary>
    public string? Note { get; set; }
}

/// <summary>
/// The annual reports of the administrator's districts: every published edition, and the form that publishes the next
/// edition of an ended year (the same use case as <c>POST /api/v1/annual-reports/{district}/{year}/editions</c>).
/// </summary>
[StaffAccess(ResourceKinds.AnnualReport, "create")]
public sealed class IndexModel(PublishAnnualReport publish, DistrictChoices districts, RegistryDbContext db, TimeProvider clock) : StaffPageModel
{
    private Dictionary<string, string> names = new(StringComparer.Ordinal);

    /// <summary>What the form posts.</summary>
    [BindProperty]
    public PublishForm Input { get; set; } = new();

    /// <summary>Districts to choose from (null: typed as a code).</summary>
    public IReadOnlyList<DistrictChoice>? Districts { get; private set; }

    /// <summary>The ended years one may publish, newest first.</summary>
    public IReadOnlyList<int> Years { get; private set; } = [];

    /// <summary>Every published edition in the caller's districts.</summary>
    public IReadOnlyList<AnnualReportEdition> Editions { get; private set; } = [];

    /// <summary>The edition just published, for the notice.</summary>
    public AnnualReportEdition? Published { get; private set; }

    /// <summary>The list and an empty form.</summary>
    public async Task<IActionResult> OnGetAsync(string? district, int? year, int? edition, CancellationToken ct)
    {
        await LoadAsync(ct);
        Input = new PublishForm { District = Districts is { Count: 1 } ? Districts[0].Code : null, Year = Years.Count > 0 ? Years[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : null };
        Published = Editions.FirstOrDefault(e => e.DistrictCode == district && e.Year == year && e.Edition == edition);
        return Page();
    }

    /// <summary>Publishes the next edition, or shows the form again with its errors.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var outcome = await publish.RunAsync(HttpContext, Input.District ?? "", Input.Year ?? "", new PublishAnnualReportRequest(Input.Note), ct);
        switch (outcome.Kind)
        {
            case OutcomeKind.Done:
                var e = outcome.Value!;
                return Redirect(FormattableString.Invariant($"/staff/annual-reports?district={e.DistrictCode}&year={e.Year}&edition={e.Edition}"));
            case OutcomeKind.Refused:
                return ForbiddenPage();
            case OutcomeKind.NotFound:
                ModelState.AddModelError("Input.District", Localized("annualReports.error.noDistrict"));
                break;
            default:
                AddServiceErrors(outcome.Errors!.ToDictionary());
                break;
        }

        await LoadAsync(ct);
        return Page();
    }

    /// <summary>A district's name and code.</summary>
    public string DistrictName(string code) => names.TryGetValue(code, out var name) ? name + "（" + code + "）" : code;

    /// <summary>The public report page of an edition (or of the live figures when <paramref name="edition"/> is null).</summary>
    public static string ReportHref(string district, int year, int? edition) => edition is null
        ? FormattableString.Invariant($"/annual-report.html?district={district}&year={year}")
        : FormattableString.Invariant($"/annual-report.html?district={district}&year={year}&edition={edition}");

    private string Localized(string key) =>
        HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer>()[key].Value;

    private async Task LoadAsync(CancellationToken ct)
    {
        var scope = ReadScope.For(User, ResourceKinds.AnnualReport, Operations.Create);
        Districts = await districts.WithinAsync(scope, ct);
        var thisYear = AsOf.Today(clock).Year;
        Years = [.. Enumerable.Range(0, 10).Select(i => thisYear - 1 - i)];
        var connection = await WriteResults.OpenAsync(db, ct);
        Editions = await AnnualReportSql.ListAsync(connection, null, null, scope.LikePatterns, ct);
        names = await districts.NamesAsync(Editions.Select(e => e.DistrictCode), ct);
    }
}
