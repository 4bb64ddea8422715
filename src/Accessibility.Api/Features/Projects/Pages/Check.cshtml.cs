using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>A recorded check with its judged items: value, verdict, and for a failure the clause and what to correct.</summary>
[StaffAccess(ResourceKinds.ConstructionProject, "read-personal")]
public sealed class CheckModel(ProjectPagesAdapter projects, ChecklistCatalog checklists, IStringLocalizer text) : ProjectPageModel(text)
{
    /// <summary>The project.</summary>
    public ProjectDetails? Project { get; private set; }

    /// <summary>The check.</summary>
    public CheckView? Recorded { get; private set; }

    /// <summary>Shows the check.</summary>
    public async Task<IActionResult> OnGetAsync(long id, long checkId, CancellationToken ct)
    {
        var found = await projects.GetAsync(HttpContext, id, ct);
        if (found.Project is null)
        {
            return found.Status == StatusCodes.Status403Forbidden ? ForbiddenPage() : NotFoundPage();
        }

        Project = found.Project;
        Recorded = Project.Checks.FirstOrDefault(c => c.Id == checkId);
        return Recorded is null ? NotFoundPage() : Page();
    }

    /// <summary>A checklist item's name.</summary>
    public string ItemName(string? kind, string item) =>
        kind is not null && checklists.TryGet(kind, out var list) && list.Find(item) is { } i ? Label(i.Labels) : item;
}
