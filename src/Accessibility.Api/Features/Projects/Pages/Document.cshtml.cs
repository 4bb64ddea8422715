using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>Downloading a project's document (as an attachment, so nothing uploaded runs in the workspace's origin).</summary>
[StaffAccess(ResourceKinds.ConstructionProject, "read-personal")]
public sealed class DocumentModel(ProjectPagesAdapter projects, IStringLocalizer text) : ProjectPageModel(text)
{
    /// <summary>The file, or the status page.</summary>
    public async Task<IActionResult> OnGetAsync(long id, Guid documentId, CancellationToken ct)
    {
        var outcome = await projects.DownloadDocumentAsync(HttpContext, id, documentId, ct);
        if (outcome.File is not { } file)
        {
            return StatusPage(outcome.Status);
        }

        Response.Headers.XContentTypeOptions = "nosniff";
        return File(file.Content, "application/octet-stream", file.FileName);
    }
}
