using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>
/// Recording a waiver of one failed item of one planned facility (district and system administrators only), with its
/// reason: the failure then no longer blocks acceptance, and the waiver is audited.
/// </summary>
[StaffAccess(ResourceKinds.ConstructionProject, "administer")]
public sealed class WaiverNewModel(ProjectPagesAdapter projects, ChecklistCatalog checklists, IStringLocalizer text) : ProjectPageModel(text)
{
    /// <summary>The planned facility (query and form).</summary>
    [BindProperty(SupportsGet = true, Name = "facility")]
    public long? FacilityId { get; set; }

    /// <summary>The item code (query and form).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Item { get; set; }

    /// <summary>Why the item is waived.</summary>
    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>The project.</summary>
    public ProjectDetails? Project { get; private set; }

    /// <summary>The planned facility.</summary>
    public PlannedFacilityView? Facility { get; private set; }

    /// <summary>The item's name.</summary>
    public string ItemLabel { get; private set; } = "";

    /// <summary>The failure waived (its latest check's judged item), when there is one.</summary>
    public JudgedItemView? Failure { get; private set; }

    /// <summary>The form.</summary>
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    /// <summary>Records the waiver, or asks again with the error.</summary>
    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(Reason))
        {
            ModelState.AddModelError(nameof(Reason), Text["staff-projects.error.waiverReason"]);
            return Page();
        }

        var outcome = await projects.RecordWaiverAsync(HttpContext, id, Facility!.Id, Item!, Reason.Trim(), ct);
        if (outcome.Succeeded)
        {
            return Redirect(ProjectPaths.Detail(id) + "?done=waiver");
        }

        if (outcome.Status is StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound)
        {
            return StatusPage(outcome.Status);
        }

        foreach (var (field, messages) in outcome.Errors)
        {
            foreach (var message in messages)
            {
                var translated = Text["error:" + message];
                ModelState.AddModelError(field == "reason" ? nameof(Reason) : "", translated.ResourceNotFound ? message : translated.Value);
            }
        }

        return Page();
    }

    private async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
    {
        var found = await projects.GetAsync(HttpContext, id, ct);
        if (found.Project is null)
        {
            return found.Status == StatusCodes.Status403Forbidden ? ForbiddenPage() : NotFoundPage();
        }

        Project = found.Project;
        if (!await HttpContext.MayAsync(Operations.Administer, RegistryResource.In(ResourceKinds.ConstructionProject, Project.DistrictCode)))
        {
            return ForbiddenPage();
        }

        Facility = Project.Facilities.FirstOrDefault(f => f.Id == FacilityId);
        if (Facility is null || string.IsNullOrEmpty(Item) || !checklists.TryGet(Facility.Kind, out var list) || list.Find(Item) is not { } item)
        {
            return NotFoundPage();
        }

        ItemLabel = Label(item.Labels);
        Failure = Project.Checks.Where(c => c.ProjectFacilityId == Facility.Id).OrderByDescending(c => c.CheckedAt)
            .SelectMany(c => c.Items).FirstOrDefault(i => i.Item == Item && i.Verdict == "fail");
        return null;
    }
}
