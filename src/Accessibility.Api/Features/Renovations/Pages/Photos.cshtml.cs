using Accessibility.Api.Features.Photos;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Renovations.Pages;

/// <summary>
/// Photos of a case before and after the works (what the steps "completed" and "accepted" record): an upload goes through
/// the photo pipeline of <c>POST /api/v1/photos</c> (EXIF and GPS removed) and is added to the case through the same
/// edit use case as <c>PUT /api/v1/renovations/cases/{id}</c>, against the version read.
/// </summary>
[StaffAccess(ResourceKinds.RenovationCase, "update")]
public sealed class PhotosModel(
    ReadRenovationCase read, EditRenovationCase edit, StorePhoto store, RenovationItemCatalog catalog, SuggestRenovationItems suggest,
    LocateRenovationHousehold locate, RenovationDistricts districts, IStringLocalizer text)
    : CaseFormPageModel(catalog, suggest, locate, districts, text)
{
    private readonly IStringLocalizer text = text;

    /// <summary>The case.</summary>
    [FromRoute]
    public long Id { get; set; }

    /// <summary>The case as stored.</summary>
    public RenovationCaseDetail? Case { get; private set; }

    /// <summary>Before or after the works.</summary>
    [BindProperty]
    public string? Which { get; set; }

    /// <summary>The uploaded photo.</summary>
    [BindProperty]
    public IFormFile? Photo { get; set; }

    /// <inheritdoc />
    public override bool Editing => true;

    /// <summary>The case's photos and the upload form (a read of the case: audited).</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    /// <summary>Stores the photo and adds it to the case; the case again on success, or the form with the error.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is { } missing)
        {
            return missing;
        }

        if (Which is not ("before" or "after"))
        {
            ModelState.AddModelError(nameof(Which), text["ren.photos.whichRequired"].Value);
        }

        if (Photo is null || Photo.Length == 0)
        {
            ModelState.AddModelError(nameof(Photo), text["ren.photos.fileRequired"].Value);
        }
        else if (Photo.Length > PhotoProcessor.MaxFileBytes)
        {
            ModelState.AddModelError(nameof(Photo), text["ren.photos.tooLarge"].Value);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        byte[] bytes;
        await using (var stream = Photo!.OpenReadStream())
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }

        var stored = await store.RunAsync(HttpContext, bytes, Photo.FileName, ct);
        if (stored.Photo is not { } photo)
        {
            ModelState.AddModelError(nameof(Photo), text["ren.photos.refused"].Value + " " + stored.Message);
            return Page();
        }

        Input = CaseForm.From(Case!, Catalog);
        (Which == "before" ? Input.PhotosBefore : Input.PhotosAfter).Add(photo.Id);
        var request = await RequestAsync(ct);
        var outcome = await edit.EditAsync(HttpContext, Id, request, Input.Version, ct);
        if (outcome.Succeeded)
        {
            return LocalRedirect(FormattableString.Invariant($"/staff/cases/{Id}?saved=1"));
        }

        if (outcome.Status == StatusCodes.Status403Forbidden)
        {
            return ForbiddenPage();
        }

        ShowRefusal(outcome);
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        var outcome = await read.ReadAsync(HttpContext, Id, ct);
        if (outcome.Value is not { } c)
        {
            return NotFoundPage();
        }

        Case = c;
        return null;
    }
}
