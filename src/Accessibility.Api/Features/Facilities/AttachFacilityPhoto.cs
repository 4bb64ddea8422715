using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Facilities;

/// <summary>
/// Use case: attach a stored photo (uploaded through the photo pipeline, which strips EXIF and GPS) to a facility the
/// caller may change. The facility's audit trail records the photo list before and after. Attaching the same photo
/// twice changes nothing. <c>POST /api/v1/facilities/{id}/photos</c> and the staff page "add a photo" both run it.
/// </summary>
public sealed class AttachFacilityPhoto(RegistryDbContext db, PhotoStore photos, AuditLog audit, TimeProvider clock)
{
    /// <summary>Field of the photo's id, in the API body and in the page's form.</summary>
    public const string PhotoField = "photoId";

    /// <summary>Attaches photo <paramref name="photoId"/> to facility <paramref name="id"/>; the outcome carries the facility.</summary>
    public async Task<WriteOutcome> RunAsync(HttpContext http, long id, Guid? photoId, CancellationToken ct)
    {
        var (facility, notWritable) = await FacilityInput.Writes.LoadForWriteAsync(id, http, db, ct, Operations.Update);
        if (facility is null)
        {
            return notWritable!;
        }

        var errors = new FieldErrors();
        if (photoId is not { } photo || photo == Guid.Empty)
        {
            return WriteOutcome.Invalid(errors.Add(PhotoField, "Upload the photo first (POST /api/v1/photos) and send its id."));
        }

        if ((await photos.FindMissingAsync([photo], ct)).Count > 0)
        {
            return WriteOutcome.Invalid(errors.Add(PhotoField, "No photo " + photo + "."));
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var before = await FacilitySql.PhotosAsync(connection, id, ct);
        if (await FacilitySql.AttachPhotoAsync(connection, id, photo, UserPrincipal.UserId(http.User), clock.GetUtcNow(), ct))
        {
            var after = await FacilitySql.PhotosAsync(connection, id, ct);
            audit.Record(http, AuditActions.Update, FacilityEndpoints.AuditEntityType, WriteResults.Id(id),
                new { Photos = before.Select(p => p.PhotoId) }, new { Photos = after.Select(p => p.PhotoId) });
            await db.SaveChangesAsync(ct);
        }

        await tx.CommitAsync(ct);
        return WriteOutcome.Written((await FacilitySql.FeatureByIdAsync(connection, id, ct))!, id);
    }
}
