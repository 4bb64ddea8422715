using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>Uploading a document of the project (drawings, review opinions, acceptance records), kept with its stage.</summary>
[StaffAccess(ResourceKinds.ConstructionProject, "update")]
[RequestSizeLimit(ProjectPagesAdapter.MaxDocumentBytes + 1_000_000)]
[RequestFormLimits(MultipartBodyLengthLimit = ProjectPagesAdapter.MaxDocumentBytes + 1_000_000)]
public sealed class DocumentNewModel(ProjectPagesAdapter projects, IStringLocalizer text) : ProjectPageModel(text)
{
    /// <summary>Title.</summary>
    [BindProperty]
    public string? Title { get; set; }

    /// <summary>The file.</summary>
    [BindProperty]
    public IFormFile? Upload { get; set; }

    /// <summary>The project.</summary>
    public ProjectDetails? Project { get; private set; }

    /// <summary>The form.</summary>
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    /// <summary>Stores the document, or asks again with the errors.</summary>
    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        if (string.IsNullOrWhiteSpace(Title))
        {
            ModelState.AddModelError(nameof(Title), Text["staff-projects.error.documentTitle"]);
        }

        if (Upload is null || Upload.Length == 0)
        {
            ModelState.AddModelError(nameof(Upload), Text["staff-projects.error.documentFile"]);
        }
        else if (Upload.Length > ProjectPagesAdapter.MaxDocumentBytes)
        {
            ModelState.AddModelError(nameof(Upload), Text["staff-projects.error.documentSize"]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var content = new byte[Upload!.Length];
        await using (var stream = Upload.OpenReadStream())
        {
            await stream.ReadExactlyAsync(content, ct);
        }

        var outcome = await projects.UploadDocumentAsync(HttpContext, id, Title!.Trim(), Upload.FileName, content, ct);
        if (outcome.Succeeded)
        {
            return Redirect(ProjectPaths.Detail(id) + "?done=document");
        }

        if (outcome.Status is StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound)
        {
            return StatusPage(outcome.Status);
        }

        if (outcome.Status == StatusCodes.Status413PayloadTooLarge)
        {
            ModelState.AddModelError(nameof(Upload), Text["staff-projects.error.documentSize"]);
            return Page();
        }

        foreach (var (field, messages) in outcome.Errors)
        {
            foreach (var message in messages)
            {
                var translated = Text["error:" + message];
                ModelState.AddModelError(field == "title" ? nameof(Title) : nameof(Upload), translated.ResourceNotFound ? message : translated.Value);
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
        return await HttpContext.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.ConstructionProject, Project.DistrictCode))
            ? null : ForbiddenPage();
    }
}
