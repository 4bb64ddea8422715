using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using SkiaSharp;

namespace Accessibility.Api.Tests.Photos;

/// <summary>Images built in the test, byte by byte where the point is what the bytes say.</summary>
internal static class TestImages
{
    /// <summary>A marker colour in the top-left corner of every generated image, to check orientation.</summary>
    public static readonly SKColor Marker = SKColors.Red;

    /// <summary>A comment planted in the uploads; it must not survive.</summary>
    public const string Secret = "secret-comment-yongji";

    /// <summary>An image of <paramref name="width"/> × <paramref name="height"/>: grey with a red block in its top-left corner.</summary>
    public static SKBitmap Bitmap(int width, int height, bool transparent = false)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(transparent ? SKColors.Transparent : new SKColor(128, 128, 128));
        using var paint = new SKPaint { Color = Marker };
        canvas.DrawRect(0, 0, width / 8f, height / 8f, paint);
        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 90)
    {
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] Jpeg(int width, int height)
    {
        using var bitmap = Bitmap(width, height);
        return Encode(bitmap, SKEncodedImageFormat.Jpeg);
    }

    public static byte[] Png(int width, int height, bool transparent = false)
    {
        using var bitmap = Bitmap(width, height, transparent);
        return Encode(bitmap, SKEncodedImageFormat.Png);
    }

    public static byte[] Webp(int width, int height)
    {
        using var bitmap = Bitmap(width, height);
        return Encode(bitmap, SKEncodedImageFormat.Webp);
    }

    /// <summary>A PNG of random pixels: incompressible, so about 4 bytes a pixel.</summary>
    public static byte[] NoisePng(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var random = new Random(42);
        random.NextBytes(bitmap.GetPixelSpan());
        return Encode(bitmap, SKEncodedImageFormat.Png);
    }

    /// <summary>
    /// <paramref name="jpeg"/> with, right after SOI: an APP1 Exif segment (IFD0 with Orientation = <paramref name="orientation"/>
    /// and a GPS IFD at 35°3'36"N 110°26'E), an APP1 XMP packet and a COM comment.
    /// </summary>
    public static byte[] WithExifGps(byte[] jpeg, ushort orientation)
    {
        using var segments = new MemoryStream();
        WriteSegment(segments, 0xE1, [.. "Exif\0\0"u8, .. Tiff(orientation)]);
        WriteSegment(segments, 0xE1, Encoding.ASCII.GetBytes(
            "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><exif:GPSLatitude>35,3.6N</exif:GPSLatitude></x:xmpmeta>"));
        WriteSegment(segments, 0xFE, Encoding.ASCII.GetBytes(Secret));
        return [.. jpeg.AsSpan(0, 2), .. segments.ToArray(), .. jpeg.AsSpan(2)];
    }

    private static void WriteSegment(Stream to, byte marker, byte[] payload)
    {
        to.WriteByte(0xFF);
        to.WriteByte(marker);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)(payload.Length + 2)));
        to.Write(length);
        to.Write(payload);
    }

    /// <summary>A big-endian TIFF structure: IFD0 (Orientation, GPSInfo pointer), then the GPS IFD and its rationals.</summary>
    private static byte[] Tiff(ushort orientation)
    {
        var t = new byte[140];
        var s = t.AsSpan();
        "MM"u8.CopyTo(s);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], 42);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], 8);
        // IFD0 at 8: 2 entries, next IFD 0. 2 + 2×12 + 4 = 30 bytes, so the GPS IFD starts at 38.
        BinaryPrimitives.WriteUInt16BigEndian(s[8..], 2);
        Entry(s[10..], 0x0112, 3, 1, (uint)orientation << 16); // Orientation, SHORT, left-justified in the value field
        Entry(s[22..], 0x8825, 4, 1, 38);                       // GPSInfo IFD pointer, LONG
        // GPS IFD at 38: 4 entries (2 + 48 + 4 = 54 bytes), so the rationals start at 92.
        BinaryPrimitives.WriteUInt16BigEndian(s[38..], 4);
        Entry(s[40..], 0x0001, 2, 2, (uint)'N' << 24); // GPSLatitudeRef "N\0"
        Entry(s[52..], 0x0002, 5, 3, 92);              // GPSLatitude, 3 RATIONAL
        Entry(s[64..], 0x0003, 2, 2, (uint)'E' << 24); // GPSLongitudeRef "E\0"
        Entry(s[76..], 0x0004, 5, 3, 116);             // GPSLongitude, 3 RATIONAL
        uint[] rationals = [35, 1, 3, 1, 3600, 100, 110, 1, 26, 1, 0, 1];
        for (var i = 0; i < rationals.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(s[(92 + (4 * i))..], rationals[i]);
        }

        return t;

        static void Entry(Span<byte> at, ushort tag, ushort type, uint count, uint value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(at, tag);
            BinaryPrimitives.WriteUInt16BigEndian(at[2..], type);
            BinaryPrimitives.WriteUInt32BigEndian(at[4..], count);
            BinaryPrimitives.WriteUInt32BigEndian(at[8..], value);
        }
    }

    /// <summary>
    /// A valid PNG of a few hundred bytes whose IHDR declares <paramref name="width"/> × <paramref name="height"/>
    /// (8-bit greyscale): decoded, 50000 × 50000 would need 2.5 GB.
    /// </summary>
    public static byte[] PngBomb(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth; colour type 0 (grey), deflate, filter 0, no interlace
        WriteChunk(png, "IHDR", ihdr);
        using (var zlib = new MemoryStream())
        {
            using (var z = new ZLibStream(zlib, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                z.Write(new byte[(width + 1) * 16]); // the first 16 rows: filter byte 0 and black pixels
            }

            WriteChunk(png, "IDAT", zlib.ToArray());
        }

        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream to, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        to.Write(word);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        to.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        to.Write(word);
    }

    /// <summary>CRC-32 (ISO-HDLC), as PNG chunks carry it.</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>The smallest GIF: 1 × 1, one colour. A real image, but not a format the registry accepts.</summary>
    public static readonly byte[] Gif =
    [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
        0x00, 0x00, 0x00, 0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];

    /// <summary>The markers of the segments before the image data (SOS) of a JPEG.</summary>
    public static List<byte> JpegMarkers(byte[] jpeg)
    {
        var markers = new List<byte>();
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            markers.Add(marker);
            if (marker == 0xDA)
            {
                break;
            }

            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        }

        return markers;
    }

    /// <summary>True when <paramref name="haystack"/> contains <paramref name="needle"/> anywhere.</summary>
    public static bool Contains(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>A multipart body with <paramref name="bytes"/> as the field <c>file</c>.</summary>
    public static MultipartFormDataContent Upload(byte[] bytes, string fileName, string contentType = "application/octet-stream")
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }
}
