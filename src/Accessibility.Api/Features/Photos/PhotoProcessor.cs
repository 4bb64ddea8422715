using System.Security.Cryptography;
using SkiaSharp;

namespace Accessibility.Api.Features.Photos;

/// <summary>
/// Turns an uploaded file into the photo the registry stores: recognised by its magic bytes, its pixel
/// dimensions bounded from the header before anything is decoded, decoded with its EXIF orientation applied,
/// and re-encoded so that nothing but pixels survives (EXIF with GPS, XMP, comments); plus a JPEG thumbnail.
/// </summary>
/// <remarks>
/// SkiaSharp (libjpeg-turbo, libpng, libwebp inside one self-contained native library). An <see cref="SKCodec"/>
/// reads only the header when it is created, so an image bomb (a few hundred bytes declaring 50000 × 50000
/// pixels) is refused before a single pixel buffer is allocated.
/// </remarks>
public static class PhotoProcessor
{
    /// <summary>Largest file accepted: 10 MB.</summary>
    public const long MaxFileBytes = 10 * 1024 * 1024;

    /// <summary>Largest width or height, in pixels.</summary>
    public const int MaxSide = 8000;

    /// <summary>Largest pixel count: 40 megapixels (160 MB once decoded to RGBA).</summary>
    public const long MaxPixels = 40_000_000;

    /// <summary>Long edge of a thumbnail, in pixels.</summary>
    public const int ThumbnailLongEdge = 320;

    /// <summary>JPEG (and lossy WebP) quality of the re-encoded photo.</summary>
    public const int Quality = 85;

    /// <summary>JPEG quality of thumbnails.</summary>
    public const int ThumbnailQuality = 80;

    /// <summary>
    /// Largest pixel count from an anonymous reporter (Open311 <c>media</c>): 16 megapixels, above a phone
    /// camera's usual 12 MP. A 40 MP PNG compresses to ~100 KB yet costs seconds of CPU and ~130 MB to decode,
    /// and anyone can send one.
    /// </summary>
    public const long AnonymousMaxPixels = 16_000_000;

    /// <summary>Uploads that may wait for a decoder beyond those decoding; more are refused at once (503).</summary>
    public static readonly int MaxWaiting = 2 * Math.Max(1, Environment.ProcessorCount);

    /// <summary>Longest wait for a decoder before the upload is refused (503 with Retry-After).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    // Decoding a 40-megapixel photo holds ~320 MB (decoded + oriented copy): one per core at a time, a bounded
    // queue behind them, so a burst of uploads is refused quickly instead of piling up memory and CPU.
    private static readonly SemaphoreSlim Decoders = new(Math.Max(1, Environment.ProcessorCount));
    private static int waiting;

    /// <summary>The format whose magic bytes <paramref name="bytes"/> starts with, or null for anything else.</summary>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        // RIFF <size> WEBP
        if (bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.Webp;
        }

        return null;
    }

    /// <summary>Validates and re-encodes <paramref name="upload"/>; the outcome says what is wrong when it is refused.</summary>
    public static Task<PhotoOutcome> ProcessAsync(byte[] upload, CancellationToken ct) => ProcessAsync(upload, MaxPixels, ct);

    /// <summary>
    /// Validates and re-encodes <paramref name="upload"/> if it declares at most <paramref name="maxPixels"/>
    /// (<see cref="AnonymousMaxPixels"/> for anonymous uploads); refused as <see cref="PhotoRefusal.Busy"/> when
    /// the decode queue is full or the wait for a decoder exceeds <see cref="MaxWait"/>.
    /// </summary>
    public static async Task<PhotoOutcome> ProcessAsync(byte[] upload, long maxPixels, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (upload.LongLength > MaxFileBytes)
        {
            return PhotoOutcome.Refuse(PhotoRefusal.TooLarge, FormattableString.Invariant($"The file is {upload.LongLength} bytes; at most {MaxFileBytes} (10 MB) are accepted."));
        }

        if (Sniff(upload) is not { } format)
        {
            return PhotoOutcome.Refuse(PhotoRefusal.NotAnImage, "Not a JPEG, PNG or WebP image (recognised by content, not by name or declared type).");
        }

        // The header costs nothing to read: an image over the budget is refused before it queues for a decoder.
        if (Bounds(upload, format, maxPixels) is { } refused)
        {
            return refused;
        }

        if (Interlocked.Increment(ref waiting) > MaxWaiting + Decoders.CurrentCount)
        {
            Interlocked.Decrement(ref waiting);
            return Busy();
        }

        bool entered;
        try
        {
            entered = await Decoders.WaitAsync(MaxWait, ct);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }

        if (!entered)
        {
            return Busy();
        }

        try
        {
            return Process(upload, format, maxPixels);
        }
        finally
        {
            Decoders.Release();
        }
    }

    private static PhotoOutcome Busy() => PhotoOutcome.Refuse(PhotoRefusal.Busy, FormattableString.Invariant(
        $"Too many photos are being processed; try again in a few seconds (at most {MaxWaiting} wait for a decoder, each at most {MaxWait.TotalSeconds:0} s)."));

    private static PhotoOutcome? Bounds(byte[] upload, ImageFormat format, long maxPixels)
    {
        using var data = SKData.CreateCopy(upload);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.EncodedFormat != ToSkia(format))
        {
            return Corrupt(format);
        }

        return TooManyPixels(codec.Info.Width, codec.Info.Height, maxPixels);
    }

    private static PhotoOutcome? TooManyPixels(int width, int height, long maxPixels) =>
        width <= 0 || height <= 0 || width > MaxSide || height > MaxSide || (long)width * height > maxPixels
            ? PhotoOutcome.Refuse(PhotoRefusal.TooManyPixels, FormattableString.Invariant(
                $"The image declares {width} × {height} pixels; at most {MaxSide} pixels a side and {maxPixels / 1_000_000} megapixels are accepted{(maxPixels < MaxPixels ? " from an anonymous reporter" : "")}."))
            : null;

    private static PhotoOutcome Process(byte[] upload, ImageFormat format, long maxPixels)
    {
        using var data = SKData.CreateCopy(upload);
        // Reads the header only: dimensions, orientation, colour type. No pixels yet.
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.EncodedFormat != ToSkia(format))
        {
            return Corrupt(format);
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (TooManyPixels(width, height, maxPixels) is { } refused)
        {
            return refused;
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        using var decoded = new SKBitmap(info);
        // Anything short of a complete decode (a truncated file fills the rest with grey) is refused.
        var result = codec.GetPixels(info, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            return Corrupt(format);
        }

        using var oriented = Orient(decoded, codec.EncodedOrigin);
        var content = Encode(oriented, format);
        var thumbnail = Thumbnail(oriented);
        if (content is null || thumbnail is null)
        {
            return Corrupt(format);
        }

        return new PhotoOutcome(
            new ProcessedPhoto(content, thumbnail, format, oriented.Width, oriented.Height, Convert.ToHexStringLower(SHA256.HashData(content))),
            null, null);
    }

    private static PhotoOutcome Corrupt(ImageFormat format) =>
        PhotoOutcome.Refuse(PhotoRefusal.Corrupt, "The " + format.Name() + " image is truncated or corrupt and cannot be decoded.");

    /// <summary>
    /// Applies the EXIF orientation, so the stored pixels are upright once the EXIF that described them is gone.
    /// The matrices are Skia's <c>SkEncodedOriginToMatrix</c>, with the oriented (displayed) width and height.
    /// </summary>
    private static SKBitmap Orient(SKBitmap source, SKEncodedOrigin origin)
    {
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        float w = swap ? source.Height : source.Width;
        float h = swap ? source.Width : source.Height;
        var matrix = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, w, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, w, -1, 0, h, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, h, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        var oriented = new SKBitmap(source.Info.WithSize((int)w, (int)h));
        using var canvas = new SKCanvas(oriented);
        canvas.Clear(SKColors.Transparent);
        canvas.SetMatrix(matrix);
        // Whole-pixel moves only: nearest sampling copies the pixels exactly.
        canvas.DrawBitmap(source, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest), null);
        return oriented;
    }

    /// <summary>Re-encodes in the uploaded format; Skia's encoders write no EXIF, XMP or comments.</summary>
    private static byte[]? Encode(SKBitmap bitmap, ImageFormat format)
    {
        using var pixmap = bitmap.PeekPixels();
        using var encoded = format switch
        {
            ImageFormat.Jpeg => pixmap.Encode(new SKJpegEncoderOptions(Quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
            ImageFormat.Png => pixmap.Encode(SKPngEncoderOptions.Default),
            _ => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, Quality)),
        };
        return encoded?.ToArray();
    }

    /// <summary>A JPEG whose long edge is <see cref="ThumbnailLongEdge"/> (smaller images keep their size), on white.</summary>
    private static byte[]? Thumbnail(SKBitmap bitmap)
    {
        var scale = Math.Min(1.0, (double)ThumbnailLongEdge / Math.Max(bitmap.Width, bitmap.Height));
        var width = Math.Max(1, (int)Math.Round(bitmap.Width * scale));
        var height = Math.Max(1, (int)Math.Round(bitmap.Height * scale));
        using var thumbnail = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb()));
        using (var canvas = new SKCanvas(thumbnail))
        using (var image = SKImage.FromBitmap(bitmap))
        {
            // JPEG has no alpha: transparent PNG/WebP areas become white, not black.
            canvas.Clear(SKColors.White);
            canvas.DrawImage(image, new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        using var pixmap = thumbnail.PeekPixels();
        using var encoded = pixmap.Encode(new SKJpegEncoderOptions(ThumbnailQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore));
        return encoded?.ToArray();
    }

    private static SKEncodedImageFormat ToSkia(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => SKEncodedImageFormat.Jpeg,
        ImageFormat.Png => SKEncodedImageFormat.Png,
        _ => SKEncodedImageFormat.Webp,
    };
}

/// <summary>The image formats the registry accepts.</summary>
public enum ImageFormat
{
    /// <summary>JPEG.</summary>
    Jpeg,

    /// <summary>PNG.</summary>
    Png,

    /// <summary>WebP.</summary>
    Webp,
}

/// <summary>Media types and names of <see cref="ImageFormat"/>.</summary>
public static class ImageFormats
{
    /// <summary>Media type (<c>image/jpeg</c>…).</summary>
    public static string ContentType(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        _ => "image/webp",
    };

    /// <summary>Name for messages.</summary>
    public static string Name(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Png => "PNG",
        _ => "WebP",
    };
}

/// <summary>Why an upload was refused.</summary>
public enum PhotoRefusal
{
    /// <summary>Not JPEG, PNG or WebP: 415.</summary>
    NotAnImage,

    /// <summary>Over 10 MB: 413.</summary>
    TooLarge,

    /// <summary>Declares more pixels than allowed (image bomb): 422, refused before decoding.</summary>
    TooManyPixels,

    /// <summary>Truncated or corrupt: 422.</summary>
    Corrupt,

    /// <summary>The decode queue is full: 503 with Retry-After.</summary>
    Busy,
}

/// <summary>A photo ready to store.</summary>
/// <param name="Content">The re-encoded image, metadata-free.</param>
/// <param name="Thumbnail">JPEG thumbnail.</param>
/// <param name="Format">Format of <paramref name="Content"/> (that of the upload).</param>
/// <param name="Width">Width after orientation.</param>
/// <param name="Height">Height after orientation.</param>
/// <param name="Sha256">SHA-256 of <paramref name="Content"/>, lower-case hex.</param>
public sealed record ProcessedPhoto(byte[] Content, byte[] Thumbnail, ImageFormat Format, int Width, int Height, string Sha256);

/// <summary>Either a processed photo or the reason it was refused.</summary>
/// <param name="Photo">The photo, when accepted.</param>
/// <param name="Refusal">Why not, otherwise.</param>
/// <param name="Message">What to tell the client.</param>
public sealed record PhotoOutcome(ProcessedPhoto? Photo, PhotoRefusal? Refusal, string? Message)
{
    /// <summary>A refusal.</summary>
    public static PhotoOutcome Refuse(PhotoRefusal refusal, string message) => new(null, refusal, message);
}
