using System.Globalization;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Reports.Pages;

/// <summary>
/// One report for triage: what was reported, the reporter's contact (staff allowed to read personal data only), its
/// history, and the steps — accept onto a facility and checklist item, reject with a reason, merge into or unmerge from
/// another report. Each step is the API's use case (<see cref="AcceptReport"/>, <see cref="RejectReport"/>,
/// <see cref="MergeReport"/>, <see cref="UnmergeReport"/>).
/// </summary>
[StaffAccess(ResourceKinds.Report, "triage")]
public sealed class ReportDetailModel(ReportTriageQueue queue, ChecklistCatalog checklists, FacilityKindCatalog kinds, IStringLocalizer text) : StaffPageModel
{
    /// <summary>The report's id.</summary>
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    /// <summary>The acceptance form.</summary>
    [BindProperty]
    public AcceptForm Accept { get; set; } = new();

    /// <summary>The rejection form.</summary>
    [BindProperty]
    public RejectForm Reject { get; set; } = new();

    /// <summary>The merge form.</summary>
    [BindProperty]
    public MergeForm Merge { get; set; } = new();

    /// <summary>The report.</summary>
    public TriagedReport? Report { get; private set; }

    /// <summary>Facilities near the report, nearest first.</summary>
    public IReadOnlyList<NearbyFacility> Facilities { get; private set; } = [];

    /// <summary>Open reports near this one (merge candidates).</summary>
    public IReadOnlyList<PublicReport> Neighbours { get; private set; } = [];

    /// <summary>The checklists to choose the item from: the kinds of the nearby facilities first.</summary>
    public IReadOnlyList<Checklist> Checklists { get; private set; } = [];

    /// <summary>What was just done (after a step: accepted, rejected, merged, unmerged).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    /// <summary>Whether the caller may read the reporter's contact here.</summary>
    public bool ShowsContact { get; private set; }

    /// <summary>The facility kinds' names.</summary>
    public FacilityKindCatalog Kinds => kinds;

    /// <summary>Shows the report and the forms.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        Accept.Facility ??= Report!.Report.FacilityId is { } f ? f.ToString(CultureInfo.InvariantCulture) : null;
        return Page();
    }

    /// <summary>Accepts the report onto the chosen facility and item (or as a task to register a missing facility).</summary>
    public async Task<IActionResult> OnPostAcceptAsync([FromServices] AcceptReport accept, CancellationToken ct)
    {
        long? facilityId = null;
        var taskOnly = Accept.Facility == "none";
        if (Accept.Facility == "other")
        {
            if (long.TryParse(Accept.OtherFacilityId?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var other))
            {
                facilityId = other;
            }
            else
            {
                ModelState.AddModelError("Accept.OtherFacilityId", text["reports.error.otherFacilityId"]);
            }
        }
        else if (long.TryParse(Accept.Facility, NumberStyles.None, CultureInfo.InvariantCulture, out var chosen))
        {
            facilityId = chosen;
        }
        else if (!taskOnly)
        {
            ModelState.AddModelError("Accept.Facility", text["reports.error.facility"]);
        }

        if (ModelState.ErrorCount == 0)
        {
            var request = new AcceptReportRequest(facilityId, taskOnly ? null : Accept.Item, string.IsNullOrEmpty(Accept.Severity) ? null : Accept.Severity, Accept.Note);
            var outcome = await accept.RunAsync(HttpContext, Id, request, ct);
            if (outcome.Succeeded)
            {
                return RedirectToPage(null, new { id = Id, done = "accepted" });
            }

            if (Refusal(outcome) is { } page)
            {
                return page;
            }

            AddErrors(outcome.Errors, "Accept", f => f == "facilityId" ? (Accept.Facility == "other" ? "OtherFacilityId" : "Facility") : f);
        }

        return await LoadAsync(ct) ?? Page();
    }

    /// <summary>Rejects the report with a reason.</summary>
    public async Task<IActionResult> OnPostRejectAsync([FromServices] RejectReport reject, CancellationToken ct)
    {
        var outcome = await reject.RunAsync(HttpContext, Id, new RejectReportRequest(Reject.Reason), ct);
        if (outcome.Succeeded)
        {
            return RedirectToPage(null, new { id = Id, done = "rejected" });
        }

        if (Refusal(outcome) is { } page)
        {
            return page;
        }

        AddErrors(outcome.Errors, "Reject", f => f);
        return await LoadAsync(ct) ?? Page();
    }

    /// <summary>Marks the report a duplicate of another.</summary>
    public async Task<IActionResult> OnPostMergeAsync([FromServices] MergeReport merge, CancellationToken ct)
    {
        long? into = long.TryParse(Merge.Into?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
        var outcome = await merge.RunAsync(HttpContext, Id, new MergeReportRequest(into), ct);
        if (outcome.Succeeded)
        {
            return RedirectToPage(null, new { id = Id, done = "merged" });
        }

        if (Refusal(outcome) is { } page)
        {
            return page;
        }

        AddErrors(outcome.Errors, "Merge", f => f);
        return await LoadAsync(ct) ?? Page();
    }

    /// <summary>Separates the report from the one it duplicates.</summary>
    public async Task<IActionResult> OnPostUnmergeAsync([FromServices] UnmergeReport unmerge, CancellationToken ct)
    {
        var outcome = await unmerge.RunAsync(HttpContext, Id, ct);
        if (outcome.Succeeded)
        {
            return RedirectToPage(null, new { id = Id, done = "unmerged" });
        }

        return Refusal(outcome) ?? await LoadAsync(ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var found = await queue.GetAsync(HttpContext, Id, ct);
        if (!found.Succeeded)
        {
            return found.Status == StatusCodes.Status404NotFound ? NotFoundPage() : ForbiddenPage();
        }

        Report = found.Value;
        ShowsContact = await HttpContext.MayAsync(Operations.ReadPersonal, RegistryResource.In(ResourceKinds.Report, Report!.Report.DistrictCode));
        Facilities = await queue.FacilitiesNearAsync(Id, ct);
        Neighbours = await queue.OpenReportsNearAsync(HttpContext, Report.Report, ct);
        var first = Facilities.Select(f => f.Kind).Concat(ServiceCatalog.Find(Report.Report.ServiceCode)?.FacilityKinds ?? []).Distinct(StringComparer.Ordinal).ToList();
        Checklists = [.. checklists.Checklists.OrderBy(c => first.IndexOf(c.Kind) is var i && i < 0 ? int.MaxValue : i).ThenBy(c => c.Kind, StringComparer.Ordinal)];
        return null;
    }

    /// <summary>The page for a refusal that is not about a field (404, 403), or a conflict shown in the summary; null for field errors.</summary>
    private IActionResult? Refusal<T>(StepOutcome<T> outcome)
    {
        switch (outcome.Status)
        {
            case StatusCodes.Status404NotFound:
                return NotFoundPage();
            case StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden:
                return ForbiddenPage();
            case StatusCodes.Status409Conflict:
                ModelState.AddModelError(string.Empty, text["reports.error.conflict", text["reports.status." + (outcome.Problem!.Extensions.TryGetValue("status", out var s) ? s : "new")]]);
                return null;
            default:
                return null;
        }
    }

    private void AddErrors(IDictionary<string, string[]> errors, string form, Func<string, string> field)
    {
        foreach (var (name, messages) in errors)
        {
            var key = FieldKey(field(name), form);
            var own = text["reports.error." + name];
            foreach (var message in own.ResourceNotFound ? messages : [own.Value])
            {
                ModelState.AddModelError(key, message);
            }
        }
    }
}

/// <summary>The acceptance form.</summary>
public sealed class AcceptForm
{
    /// <summary>A nearby facility's id, <c>other</c> (then <see cref="OtherFacilityId"/>), or <c>none</c> (a task to register the missing facility).</summary>
    public string? Facility { get; set; }

    /// <summary>Another facility, by id.</summary>
    public string? OtherFacilityId { get; set; }

    /// <summary>Checklist item of the problem.</summary>
    public string? Item { get; set; }

    /// <summary>Severity; the item's when empty.</summary>
    public string? Severity { get; set; }

    /// <summary>Public note.</summary>
    public string? Note { get; set; }
}

/// <summary>The rejection form.</summary>
public sealed class RejectForm
{
    /// <summary>Why (public).</summary>
    public string? Reason { get; set; }
}

/// <summary>The merge form.</summary>
public sealed class MergeForm
{
    /// <summary>The report this one duplicates (its number).</summary>
    public string? Into { get; set; }
}
