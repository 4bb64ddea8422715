using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>
/// Moving a project to its next stage, or accepting it: the use case refuses while a barrier-free failure is open (not
/// corrected by a later passing check, nor waived), and the page then names each open failure in the error summary.
/// On acceptance the planned facilities enter the registry.
/// </summary>
[StaffAccess(ResourceKinds.ConstructionProject, "update")]
public sealed class AdvanceModel(ProjectPagesAdapter projects, FacilityKindCatalog kinds, ChecklistCatalog checklists, IStringLocalizer text) : ProjectPageModel(text)
{
    /// <summary>The project.</summary>
    public ProjectDetails? Project { get; private set; }

    /// <summary>Why the last attempt was refused, one line each (linked from the error summary).</summary>
    public IReadOnlyList<string> Refusals { get; private set; } = [];

    /// <summary>The question.</summary>
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    /// <summary>Moves the project on, or says why not.</summary>
    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        var accepting = Project!.NextStage == "accepted";
        var outcome = await projects.AdvanceAsync(HttpContext, Project, ct);
        if (outcome.Succeeded)
        {
            return Redirect(ProjectPaths.Detail(id) + (accepting ? "?done=accepted" : "?done=advanced"));
        }

        if (outcome.Status is StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound)
        {
            return StatusPage(outcome.Status);
        }

        // The use case's blockers, in the page's words; its other messages as it says them.
        var lines = outcome.Blockers.Select(BlockerText).ToList();
        foreach (var message in outcome.Errors.SelectMany(e => e.Value))
        {
            var translated = Text["error:" + message];
            lines.Add(translated.ResourceNotFound ? message : translated.Value);
        }

        if (lines.Count == 0)
        {
            lines.Add(Text["staff-projects.advance.refused"]);
        }

        Refusals = lines;
        for (var i = 0; i < lines.Count; i++)
        {
            ModelState.AddModelError("Blockers[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]", lines[i]);
        }

        return Page();
    }

    /// <summary>What a blocker says, in the page's words.</summary>
    public string BlockerText(Blocker blocker)
    {
        ArgumentNullException.ThrowIfNull(blocker);
        var facility = Project?.Facilities.FirstOrDefault(f => f.Id == blocker.ProjectFacilityId);
        var item = facility is not null && blocker.Item is not null && checklists.TryGet(facility.Kind, out var list) && list.Find(blocker.Item) is { } i
            ? Label(i.Labels) : blocker.Item ?? "";
        var name = facility is null ? "" : facility.Name + (kinds.TryGetPlannable(facility.Kind, out var k) ? "（" + Label(k.Names) + "）" : "");
        return blocker.Reason switch
        {
            "fail" => Text["staff-projects.blocker.fail", name, item],
            "unchecked" => Text["staff-projects.blocker.unchecked", name],
            "no-facilities" => Text["staff-projects.blocker.noFacilities"],
            _ => blocker.Message ?? blocker.Reason,
        };
    }

    private async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
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

        return Project.NextStage is null ? StatusPage(StatusCodes.Status409Conflict) : null;
    }
}
