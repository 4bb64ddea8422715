using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Accessibility.Api.Features.Photos;

/// <summary>
/// <c>/api/v1/photos</c>: upload one image (multipart field <c>file</c>), read it back and its thumbnail.
/// Photos are immutable, so reads are cacheable for a year and revalidate by ETag (the SHA-256 of the bytes).
/// </summary>
public static class PhotoEndpoints
{
    /// <summary>Entity type in the audit log.</summary>
    public const string AuditEntityType = "photo";

    /// <summary>Name of the multipart field that carries the image.</summary>
    public const string FileField = "file";

    /// <summary>
    /// Body limit of the upload: the 10 MB file plus room for the multipart boundaries and headers.
    /// Everything else keeps the global limit (Registry:MaxRequestBodyBytes, 1 MB).
    /// </summary>
    public const long MaxRequestBodyBytes = PhotoProcessor.MaxFileBytes + 64 * 1024;

    private const string CacheForever = "public, max-age=31536000, immutable";

    /// <summary>Registers the services other features use.</summary>
    public static IServiceCollection AddPhotos(this IServiceCollection services) => services.AddScoped<PhotoStore>().AddScoped<StorePhoto>();

    /// <summary>Maps the photo routes.</summary>
    public static IEndpointRouteBuilder MapPhotoEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/photos").WithTags("Photos");
        group.MapPost("", Upload)
            .WithName("UploadPhoto").RequireAccess(ResourceKinds.Photo, Operations.Create)
            .WithSummary("Uploads one JPEG, PNG or WebP image (multipart field file, ≤ 10 MB, ≤ 8000 px a side, ≤ 40 MP); stored re-encoded without EXIF/GPS, XMP or comments.")
            // No .Accepts(): routing would then answer other media types with a bare 415 that names no field.
            .Produces<PhotoResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesValidationProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            // Routing applies this limit as soon as the endpoint is chosen, before authentication or antiforgery
            // (which reads the form of a cookie-authenticated request) can touch the body.
            .WithMetadata(new BodySizeLimit(MaxRequestBodyBytes))
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("{id:guid}", Get)
            .WithName("GetPhoto").RequireAccess(ResourceKinds.Photo, Operations.Read).WithSummary("The photo, with its SHA-256 as ETag; immutable.")
            .Produces(StatusCodes.Status200OK, null, "image/jpeg", "image/png", "image/webp")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("{id:guid}/thumbnail", GetThumbnail)
            .WithName("GetPhotoThumbnail").RequireAccess(ResourceKinds.Photo, Operations.Read).WithSummary("JPEG thumbnail, 320 px on the long edge; immutable.")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Upload(HttpContext http, StorePhoto storePhoto, CancellationToken ct)
    {
        // Routing has set this limit already (BodySizeLimit); set again here in case the metadata was not applied.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxRequestBodyBytes;
        }

        var request = http.Request;
        if (request.ContentLength > MaxRequestBodyBytes)
        {
            return TooLarge();
        }

        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return FileProblem(StatusCodes.Status415UnsupportedMediaType, "Send multipart/form-data with the image in the field \"file\".");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return FileProblem(StatusCodes.Status400BadRequest, "The multipart body cannot be read: " + ex.Message);
        }

        if (InputText.Check(form) is { } formErrors)
        {
            return formErrors.ToResult(StatusCodes.Status400BadRequest, "A field of the form is not acceptable.");
        }

        var files = form.Files.GetFiles(FileField);
        if (files.Count != 1)
        {
            return FileProblem(StatusCodes.Status422UnprocessableEntity, files.Count == 0
                ? "Attach one image as the file field \"file\"."
                : "Attach one image per request.");
        }

        var file = files[0];
        if (file.Length > PhotoProcessor.MaxFileBytes)
        {
            return TooLarge();
        }

        var upload = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(upload, ct);
        }

        var outcome = await storePhoto.RunAsync(http, upload, file.FileName, ct);
        if (outcome.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            http.Response.Headers.RetryAfter = "5";
        }

        if (outcome.Photo is not { } photo)
        {
            return FileProblem(outcome.StatusCode, outcome.Message!);
        }

        var response = PhotoResponse.From(photo);
        return TypedResults.Created(response.Url, response);
    }

    private static Task<IResult> Get(Guid id, HttpContext http, RegistryDbContext db, CancellationToken ct) =>
        SendAsync(id, http, db, thumbnail: false, ct);

    private static Task<IResult> GetThumbnail(Guid id, HttpContext http, RegistryDbContext db, CancellationToken ct) =>
        SendAsync(id, http, db, thumbnail: true, ct);

    private static async Task<IResult> SendAsync(Guid id, HttpContext http, RegistryDbContext db, bool thumbnail, CancellationToken ct)
    {
        // The hash first, so that a revalidation (If-None-Match) never reads the image.
        var head = await db.Photos.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new { p.Sha256, p.ContentType }).SingleOrDefaultAsync(ct);
        if (head is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No photo " + id + ".");
        }

        var etag = new EntityTagHeaderValue("\"" + head.Sha256 + (thumbnail ? "-thumbnail" : "") + "\"");
        var headers = http.Response.Headers;
        headers.CacheControl = CacheForever;
        headers.ETag = etag.ToString();
        headers.XContentTypeOptions = "nosniff";
        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var bytes = thumbnail
            ? await db.Photos.AsNoTracking().Where(p => p.Id == id).Select(p => p.Thumbnail).SingleAsync(ct)
            : await db.Photos.AsNoTracking().Where(p => p.Id == id).Select(p => p.Content).SingleAsync(ct);
        return TypedResults.Bytes(bytes, thumbnail ? "image/jpeg" : head.ContentType, entityTag: etag);
    }

    private static IResult TooLarge() => FileProblem(StatusCodes.Status413PayloadTooLarge,
        FormattableString.Invariant($"The image must be at most {PhotoProcessor.MaxFileBytes} bytes (10 MB)."));

    private static IResult FileProblem(int status, string message) => JsonBody.Invalid(status, FileField, message);
}

/// <summary>A stored photo, as the upload answers it.</summary>
/// <param name="Id">Identifier; what inspections and defects refer to.</param>
/// <param name="ContentType">Media type of the stored image.</param>
/// <param name="Width">Width in pixels, orientation applied.</param>
/// <param name="Height">Height in pixels, orientation applied.</param>
/// <param name="Bytes">Size of the stored image.</param>
/// <param name="Url">Where to read it.</param>
/// <param name="ThumbnailUrl">Where to read its thumbnail.</param>
public sealed record PhotoResponse(Guid Id, string ContentType, int Width, int Height, int Bytes, string Url, string ThumbnailUrl)
{
    /// <summary>The answer for <paramref name="photo"/>.</summary>
    public static PhotoResponse From(Photo photo)
    {
        ArgumentNullException.ThrowIfNull(photo);
        var url = "/api/v1/photos/" + photo.Id;
        return new(photo.Id, photo.ContentType, photo.Width, photo.Height, photo.Bytes, url, url + "/thumbnail");
    }
}
