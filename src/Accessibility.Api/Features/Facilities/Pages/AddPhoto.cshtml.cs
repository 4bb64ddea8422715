using Accessibility.Api.Data;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Facilities.Pages;

/// <summary>
/// Uploading a photo of a facility (multipart, works without script): stored by <see cref="StorePhoto"/> (the photo
/// pipeline of <c>POST /api/v1/photos</c>, which strips EXIF and GPS), then attached by <see cref="AttachFacilityPhoto"/>.
/// </summary>
[StaffAccess(ResourceKinds.Facility, "update")]
[RequestSizeLimit(PhotoEndpoints.MaxRequestBodyBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = PhotoEndpoints.MaxRequestBodyBytes)]
public sealed class AddPhotoModel(RegistryDbContext db, StorePhoto storePhoto, AttachFacilityPhoto attachPhoto, IStringLocalizer text) : FacilityPageModel(text)
{
    /// <summary>The image.</summary>
    [BindProperty]
    public IFormFile? Photo { get; set; }

    /// <summary>The facility's id.</summary>
    public long Id { get; private set; }

    /// <summary>Its name.</summary>
    public string Name { get; private set; } = "";

    /// <summary>The upload form.</summary>
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    /// <summary>Stores and attaches the photo, or asks again with the error.</summary>
    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refusal)
        {
            return refusal;
        }

        if (Photo is null || Photo.Length == 0)
        {
            ModelState.AddModelError(nameof(Photo), Text["facilities.photo.required"]);
            return Page();
        }

        if (Photo.Length > PhotoProcessor.MaxFileBytes)
        {
            ModelState.AddModelError(nameof(Photo), Text["facilities.photo.refused"]);
            return Page();
        }

        var upload = new byte[Photo.Length];
        await using (var stream = Photo.OpenReadStream())
        {
            await stream.ReadExactlyAsync(upload, ct);
        }

        var stored = await storePhoto.RunAsync(HttpContext, upload, Photo.FileName, ct);
        if (stored.Photo is null)
        {
            ModelState.AddModelError(nameof(Photo), Text["facilities.photo.refused"]);
            return Page();
        }

        var outcome = await attachPhoto.RunAsync(HttpContext, id, stored.Photo.Id, ct);
        return outcome.Succeeded ? Redirect(FacilityPaths.Detail(id) + "?done=photo") : StatusPage(outcome.StatusCode);
    }

    private async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
    {
        Id = id;
        var facility = await db.Facilities.FindAsync([id], ct);
        if (facility is null || facility.DeletedAt is not null)
        {
            return NotFoundPage();
        }

        if (!await HttpContext.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.Facility, facility.DistrictCode) with { GridCode = facility.GridCode }))
        {
            return ForbiddenPage();
        }

        Name = facility.Name;
        return null;
    }
}
