using System.IO.Compression;
using Accessibility.Api.Features.Photos;

namespace Accessibility.Api.Features.Projects;

/// <summary>
/// What a project document is, told by its bytes (magic numbers), never by the name or the Content-Type the client sent:
/// PDF, a JPEG/PNG/WebP image, an Office Open XML file (docx, xlsx, pptx: a ZIP with its content-types part), or a legacy
/// Office file (doc, xls, ppt: an OLE compound file, told apart by its extension).
/// </summary>
public static class ProjectDocumentTypes
{
    /// <summary>Largest document stored (bytes).</summary>
    public const int MaxBytes = 20 * 1024 * 1024;

    /// <summary>The media type of <paramref name="content"/>, or null when it is none of the accepted kinds.</summary>
    public static string? Sniff(byte[] content, string? fileName)
    {
        ArgumentNullException.ThrowIfNull(content);
        ReadOnlySpan<byte> head = content;
        if (head.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }

        if (PhotoProcessor.Sniff(head) is { } image)
        {
            return image.ContentType();
        }

        var extension = Path.GetExtension(fileName ?? "").ToUpperInvariant();
        if (head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
        {
            return extension switch
            {
                ".DOC" => "application/msword",
                ".XLS" => "application/vnd.ms-excel",
                ".PPT" => "application/vnd.ms-powerpoint",
                _ => null,
            };
        }

        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            return OfficeOpenXml(content);
        }

        return null;
    }

    /// <summary>Whether the media type is an image (re-encoded without EXIF before it is stored).</summary>
    public static bool IsImage(string contentType) => contentType.StartsWith("image/", StringComparison.Ordinal);

    private static string? OfficeOpenXml(byte[] content)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content, writable: false), ZipArchiveMode.Read);
            if (zip.GetEntry("[Content_Types].xml") is null)
            {
                return null;
            }

            bool Has(string prefix) => zip.Entries.Any(e => e.FullName.StartsWith(prefix, StringComparison.Ordinal));
            return Has("word/") ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                : Has("xl/") ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                : Has("ppt/") ? "application/vnd.openxmlformats-officedocument.presentationml.presentation"
                : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
