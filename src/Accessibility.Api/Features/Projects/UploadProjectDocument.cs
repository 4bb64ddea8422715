using System.Security.Cryptography;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Projects;

/// <summary>
/// Use case: store a project document (drawings, review opinions, acceptance records): PDF, image or Office file, told by its
/// bytes; at most <see cref="ProjectDocumentTypes.MaxBytes"/>; an image is re-encoded without EXIF/GPS like a photo, a PDF or
/// Office file is stored as given; its SHA-256 kept. Staff read documents (read-personal); the public never. Audited.
/// </summary>
public sealed class UploadProjectDocument(RegistryDbContext db, AuditLog audit, TimeProvider clock)
{
    /// <summary>Why the caller may not add a document to project <paramref name="projectId"/> (404, 410, 401/403), or null when they may.</summary>
    public async Task<IResult?> RefusalAsync(HttpContext http, long projectId, CancellationToken ct)
    {
        var connection = await ProjectWrites.OpenAsync(db, ct);
        return (await ProjectWrites.LoadAsync(http, connection, projectId, Operations.Update, ct, forUpdate: false)).Refusal;
    }

    /// <summary>Stores <paramref name="upload"/> on project <paramref name="projectId"/>; done with the document's id.</summary>
    public async Task<Outcome<Guid>> RunAsync(HttpContext http, long projectId, DocumentUpload upload, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var connection = await ProjectWrites.OpenAsync(db, ct);
        var (project, refusal) = await ProjectWrites.LoadAsync(http, connection, projectId, Operations.Update, ct, forUpdate: false);
        if (project is null)
        {
            return Outcome<Guid>.Refused(refusal!);
        }

        var errors = new FieldErrors();
        var fileName = Path.GetFileName(upload.FileName ?? "").Trim();
        if (fileName.Length == 0)
        {
            fileName = "document";
        }

        if (fileName.Length > 255)
        {
            errors.Add("file", "The file name is longer than 255 characters.");
        }

        var title = Text.Clean(upload.Title) ?? fileName;
        Text.Optional(errors, "title", title, 200);
        var stage = Text.Clean(upload.Stage) ?? project.Stage;
        if (!ProjectStages.All.Contains(stage, StringComparer.Ordinal))
        {
            errors.Add("stage", "Expected one of " + string.Join(", ", ProjectStages.All) + ".");
        }

        if (upload.Content.Length == 0)
        {
            errors.Add("file", "The file is empty.");
        }
        else if (upload.Content.Length > ProjectDocumentTypes.MaxBytes)
        {
            return Outcome<Guid>.Refused(JsonBody.Invalid(StatusCodes.Status413PayloadTooLarge, "file", "A document is at most 20 MB."));
        }

        if (!errors.IsEmpty)
        {
            return Outcome<Guid>.Invalid(errors);
        }

        if (ProjectDocumentTypes.Sniff(upload.Content, fileName) is not { } contentType)
        {
            return Outcome<Guid>.Refused(JsonBody.Invalid(StatusCodes.Status415UnsupportedMediaType, "file",
                "Not a PDF, JPEG/PNG/WebP image or Office file (docx, xlsx, pptx, doc, xls, ppt), judged by its content."));
        }

        var content = upload.Content;
        if (ProjectDocumentTypes.IsImage(contentType))
        {
            var processed = await PhotoProcessor.ProcessAsync(content, ct);
            if (processed.Photo is not { } photo)
            {
                return Outcome<Guid>.Refused(JsonBody.Invalid(processed.Refusal switch
                {
                    PhotoRefusal.TooLarge => StatusCodes.Status413PayloadTooLarge,
                    PhotoRefusal.Busy => StatusCodes.Status503ServiceUnavailable,
                    PhotoRefusal.NotAnImage => StatusCodes.Status415UnsupportedMediaType,
                    _ => StatusCodes.Status422UnprocessableEntity,
                }, "file", processed.Message ?? "The image cannot be read."));
            }

            content = photo.Content;
            contentType = photo.Format.ContentType();
        }

        var (userId, _) = ProjectWrites.Actor(http);
        var document = new DocumentRow(Guid.CreateVersion7(), projectId, stage, title, fileName, contentType, content.Length,
            Convert.ToHexStringLower(SHA256.HashData(content)), userId, clock.GetUtcNow());
        await using var tx = await EffectiveTime.BeginAsync(db, null, ct);
        await ProjectSql.InsertDocumentAsync(connection, document, content, ct);
        audit.Record(http, AuditActions.Create, ProjectWrites.AuditDocument, document.Id.ToString(), null, new
        {
            projectId,
            document.Stage,
            document.Title,
            document.FileName,
            document.ContentType,
            document.Bytes,
            document.Sha256,
            UploadedBytes = upload.Content.Length,
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome<Guid>.Done(document.Id);
    }
}
