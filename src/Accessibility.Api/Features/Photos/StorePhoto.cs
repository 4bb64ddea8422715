using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;

namespace Accessibility.Api.Features.Photos;

/// <summary>What storing an uploaded image came to: the photo, or why not (with the HTTP status the API answers).</summary>
/// <param name="Photo">The stored photo, or null.</param>
/// <param name="StatusCode">201, or 413, 415, 422 or 503 (busy: retry in 5 s).</param>
/// <param name="Message">Why the image was refused, or null.</param>
public sealed record StorePhotoOutcome(Photo? Photo, int StatusCode, string? Message);

/// <summary>
/// Use case: store one uploaded image through the photo pipeline (<see cref="PhotoProcessor"/>: decoded, re-encoded
/// without EXIF/GPS, XMP or comments, thumbnail made) with its audit entry. <c>POST /api/v1/photos</c> and the staff
/// pages' photo uploads both run it.
/// </summary>
public sealed class StorePhoto(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>Stores <paramref name="upload"/> (the file's bytes, at most <see cref="PhotoProcessor.MaxFileBytes"/>) as the request's user.</summary>
    public async Task<StorePhotoOutcome> RunAsync(HttpContext http, byte[] upload, string? fileName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var outcome = await PhotoProcessor.ProcessAsync(upload, ct);
        if (outcome.Photo is not { } processed)
        {
            return new StorePhotoOutcome(null, outcome.Refusal switch
            {
                PhotoRefusal.NotAnImage => StatusCodes.Status415UnsupportedMediaType,
                PhotoRefusal.TooLarge => StatusCodes.Status413PayloadTooLarge,
                PhotoRefusal.Busy => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status422UnprocessableEntity,
            }, outcome.Message);
        }

        var photo = new Photo
        {
            Id = Guid.CreateVersion7(),
            Content = processed.Content,
            Thumbnail = processed.Thumbnail,
            ContentType = processed.Format.ContentType(),
            Width = processed.Width,
            Height = processed.Height,
            Bytes = processed.Content.Length,
            Sha256 = processed.Sha256,
            UploadedBy = UserPrincipal.UserId(http.User),
            UploadedAt = clock.GetUtcNow(),
        };
        db.Photos.Add(photo);
        // One SaveChanges: the photo and its audit entry commit together. No bytes in the audit log.
        audit.Record(http, AuditActions.Create, PhotoEndpoints.AuditEntityType, photo.Id.ToString(), null, new
        {
            photo.Id,
            photo.ContentType,
            photo.Width,
            photo.Height,
            photo.Bytes,
            photo.Sha256,
            ThumbnailBytes = photo.Thumbnail.Length,
            UploadedBytes = upload.Length,
            UploadedFileName = fileName,
        });
        await db.SaveChangesAsync(ct);
        return new StorePhotoOutcome(photo, StatusCodes.Status201Created, null);
    }
}
