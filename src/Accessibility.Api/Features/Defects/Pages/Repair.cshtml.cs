using Accessibility.Api.Features.Photos;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Defects.Pages;

/// <summary>
/// A managing unit marks one of its defects fixed: a note and a photo as evidence, in one multipart form that works
/// without script. The photo goes through the photo pipeline (<see cref="StorePhoto"/>: EXIF and GPS stripped), the fix
/// through <see cref="FixDefect"/>, as the API does.
/// </summary>
[StaffAccess(ResourceKinds.Defect, "repair")]
[RequestSizeLimit(PhotoEndpoints.MaxRequestBodyBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = PhotoEndpoints.MaxRequestBodyBytes)]
public sealed class RepairDefectModel(DefectBoard board, IStringLocalizer text) : StaffPageModel
{
    /// <summary>The defect's id.</summary>
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    /// <summary>Whether the fix was just reported.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    /// <summary>The form.</summary>
    [BindProperty]
    public RepairForm Input { get; set; } = new();

    /// <summary>The defect.</summary>
    public DefectView? Defect { get; private set; }

    /// <summary>Shows the defect and the form.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    /// <summary>Stores the photo, then reports the defect fixed with the note and the photo.</summary>
    public async Task<IActionResult> OnPostAsync([FromServices] StorePhoto storePhoto, [FromServices] FixDefect fix, CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } refused)
        {
            return refused;
        }

        var photos = new List<Guid>();
        if (Input.Photo is { Length: > 0 } file)
        {
            if (file.Length > PhotoProcessor.MaxFileBytes)
            {
                ModelState.AddModelError("Input.Photo", text["defects.error.photoTooLarge"]);
            }
            else
            {
                var upload = new byte[file.Length];
                await using (var stream = file.OpenReadStream())
                {
                    await stream.ReadExactlyAsync(upload, ct);
                }

                var stored = await storePhoto.RunAsync(HttpContext, upload, file.FileName, ct);
                if (stored.Photo is { } photo)
                {
                    photos.Add(photo.Id);
                }
                else
                {
                    ModelState.AddModelError("Input.Photo", text["defects.error.photoRefused", stored.Message ?? ""]);
                }
            }
        }

        if (ModelState.ErrorCount > 0)
        {
            return Page();
        }

        var outcome = await fix.RunAsync(HttpContext, Id, new FixRequest(Input.Note, photos, Input.ValidFrom), ct);
        if (outcome.Succeeded)
        {
            return RedirectToPage(null, new { id = Id, done = "fixed" });
        }

        if (StaffText.Refusal(this, outcome, text) is { } page)
        {
            return page;
        }

        StaffText.AddErrors(this, outcome.Errors, "Input", text, f => f.StartsWith("photoIds", StringComparison.Ordinal) ? "photo" : f);
        return await LoadAsync(ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var found = await board.GetAsync(HttpContext, Id, ct);
        if (!found.Succeeded)
        {
            return found.Status == StatusCodes.Status404NotFound ? NotFoundPage() : ForbiddenPage();
        }

        Defect = found.Value;
        // Another unit's defect is not this unit's to see here, nor to repair.
        return await HttpContext.MayAsync(Operations.Repair, DefectAccess.Resource(Defect!)) ? null : ForbiddenPage();
    }
}

/// <summary>The fix form.</summary>
public sealed class RepairForm
{
    /// <summary>What was done.</summary>
    public string? Note { get; set; }

    /// <summary>A photo of the repair.</summary>
    public IFormFile? Photo { get; set; }

    /// <summary>The day it was fixed, when reported later (yyyy-MM-dd); empty for now.</summary>
    public string? ValidFrom { get; set; }
}
