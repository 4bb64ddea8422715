using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>
/// A project's page: its stage with the next step and what blocks it, the planned facilities with their latest checks,
/// the checks by stage with each failed item's clause and what to correct, waivers, documents.
/// </summary>
[StaffAccess(ResourceKinds.ConstructionProject, "read-personal")]
public sealed class DetailModel(ProjectPagesAdapter projects, FacilityKindCatalog kinds, ChecklistCatalog checklists, DistrictChoices districts, IStringLocalizer text)
    : ProjectPageModel(text)
{
    private Dictionary<string, string> districtNames = new(StringComparer.Ordinal);

    /// <summary>What was just done (a notice).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    /// <summary>The project.</summary>
    public ProjectDetails? Project { get; private set; }

    /// <summary>Whether the caller may change it (facilities, checks, documents, stage).</summary>
    public bool MayUpdate { get; private set; }

    /// <summary>Whether the caller may record waivers (administrators).</summary>
    public bool MayWaive { get; private set; }

    /// <summary>Failed items of the latest checks at the project's check stages, neither corrected nor waived.</summary>
    public int OpenFailures => Project is null ? 0 : ProjectPagesAdapter.OpenFailures(Project).Count;

    /// <summary>Shows the project.</summary>
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var found = await projects.GetAsync(HttpContext, id, ct);
        if (found.Project is null)
        {
            return found.Status == StatusCodes.Status403Forbidden ? ForbiddenPage() : NotFoundPage();
        }

        Project = found.Project;
        var resource = RegistryResource.In(ResourceKinds.ConstructionProject, Project.DistrictCode);
        MayUpdate = await HttpContext.MayAsync(Operations.Update, resource);
        MayWaive = await HttpContext.MayAsync(Operations.Administer, resource);
        districtNames = await districts.NamesAsync(new[] { Project.DistrictCode, Project.TownshipCode }.OfType<string>(), ct);
        return Page();
    }

    /// <summary>A type's name.</summary>
    public string TypeName(string code) => projects.Types.FirstOrDefault(t => t.Code == code)?.Name ?? code;

    /// <summary>A district's name.</summary>
    public string DistrictName(string code) => districtNames.GetValueOrDefault(code, code);

    /// <summary>A facility kind's name.</summary>
    public string KindName(string kind) => kinds.TryGetPlannable(kind, out var k) ? Label(k.Names) : kind;

    /// <summary>A checklist item's name.</summary>
    public string ItemName(string? kind, string item) =>
        kind is not null && checklists.TryGet(kind, out var list) && list.Find(item) is { } i ? Label(i.Labels) : item;

    /// <summary>The latest check of a planned facility at a stage.</summary>
    public CheckView? LastCheck(long facilityId, string stage) =>
        Project?.Checks.Where(c => c.ProjectFacilityId == facilityId && c.Stage == stage).MaxBy(c => c.CheckedAt);

    /// <summary>Whether a check is the latest of its facility and stage (its failures are the open ones).</summary>
    public bool IsOpen(CheckView check) => check is not null && LastCheck(check.ProjectFacilityId, check.Stage)?.Id == check.Id;

    /// <summary>What a blocker says, in the page's words.</summary>
    public string BlockerText(Blocker blocker)
    {
        ArgumentNullException.ThrowIfNull(blocker);
        var facility = Project?.Facilities.FirstOrDefault(f => f.Id == blocker.ProjectFacilityId);
        return blocker.Reason switch
        {
            "fail" => Text["staff-projects.blocker.fail", facility?.Name ?? "", ItemName(facility?.Kind, blocker.Item ?? "")],
            "unchecked" => Text["staff-projects.blocker.unchecked", facility?.Name ?? ""],
            "no-facilities" => Text["staff-projects.blocker.noFacilities"],
            _ => blocker.Message ?? blocker.Reason,
        };
    }
}
