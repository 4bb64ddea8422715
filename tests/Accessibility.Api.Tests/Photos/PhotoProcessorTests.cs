using System.Diagnostics;
using Accessibility.Api.Features.Photos;
using SkiaSharp;

namespace Accessibility.Api.Tests.Photos;

/// <summary>The image pipeline on its own, without HTTP (the native Skia library loads and decodes here).</summary>
public sealed class PhotoProcessorTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, ImageFormat.Jpeg)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, ImageFormat.Png)]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50 }, ImageFormat.Webp)]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45 }, null)] // RIFF WAVE
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, null)]                         // GIF89a
    [InlineData(new byte[] { 0xFF, 0xD8 }, null)]
    [InlineData(new byte[] { }, null)]
    public void Formats_are_recognised_by_magic_bytes(byte[] start, ImageFormat? expected) =>
        Assert.Equal(expected, PhotoProcessor.Sniff(start));

    // Where the stored image's top-left corner ends up once the EXIF orientation is applied (TIFF 6.0 §Orientation).
    [Theory]
    [InlineData(1, false, false, false)]
    [InlineData(2, false, true, false)]  // mirrored left-right
    [InlineData(3, false, true, true)]   // turned 180°
    [InlineData(4, false, false, true)]  // mirrored top-bottom
    [InlineData(5, true, false, false)]  // transposed
    [InlineData(6, true, true, false)]   // turned 90° clockwise: the top-left corner goes top-right
    [InlineData(7, true, true, true)]    // transversed
    [InlineData(8, true, false, true)]   // turned 90° anticlockwise
    public async Task Every_exif_orientation_is_applied(ushort orientation, bool swapsSides, bool right, bool bottom)
    {
        var outcome = await PhotoProcessor.ProcessAsync(TestImages.WithExifGps(TestImages.Jpeg(160, 80), orientation), CancellationToken.None);

        var photo = outcome.Photo!;
        Assert.Equal(swapsSides ? (80, 160) : (160, 80), (photo.Width, photo.Height));
        using var decoded = SKBitmap.Decode(photo.Content);
        var x = right ? photo.Width - 3 : 2;
        var y = bottom ? photo.Height - 3 : 2;
        AssertRed(decoded.GetPixel(x, y));
        AssertRed(Invert(decoded, x, y), expected: false);
    }

    [Fact]
    public async Task A_bomb_is_refused_from_its_header_alone()
    {
        var bomb = TestImages.PngBomb(50_000, 50_000);
        Assert.True(bomb.Length < 2_000, "the bomb is " + bomb.Length + " bytes");

        var clock = Stopwatch.StartNew();
        var outcome = await PhotoProcessor.ProcessAsync(bomb, CancellationToken.None);

        Assert.Equal(PhotoRefusal.TooManyPixels, outcome.Refusal);
        Assert.Contains("50000 × 50000", outcome.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "took " + clock.Elapsed);
    }

    [Theory]
    [InlineData(8001, 10)]  // one side too long
    [InlineData(7000, 6000)] // 42 megapixels
    public async Task Dimensions_are_bounded(int width, int height) =>
        Assert.Equal(PhotoRefusal.TooManyPixels, (await PhotoProcessor.ProcessAsync(TestImages.PngBomb(width, height), CancellationToken.None)).Refusal);

    [Fact]
    public async Task A_transparent_png_stays_png_with_its_alpha_and_gets_a_white_backed_jpeg_thumbnail()
    {
        var photo = (await PhotoProcessor.ProcessAsync(TestImages.Png(640, 400, transparent: true), CancellationToken.None)).Photo!;

        Assert.Equal(ImageFormat.Png, PhotoProcessor.Sniff(photo.Content));
        using var decoded = SKBitmap.Decode(photo.Content);
        Assert.Equal(0, decoded.GetPixel(600, 300).Alpha);
        using var thumbnail = SKBitmap.Decode(photo.Thumbnail);
        Assert.Equal(ImageFormat.Jpeg, PhotoProcessor.Sniff(photo.Thumbnail));
        Assert.Equal((320, 200), (thumbnail.Width, thumbnail.Height));
        Assert.True(thumbnail.GetPixel(300, 150).Red > 240, "transparent areas are white in the thumbnail");
    }

    [Fact]
    public async Task A_small_image_keeps_its_size_in_the_thumbnail()
    {
        var photo = (await PhotoProcessor.ProcessAsync(TestImages.Jpeg(100, 60), CancellationToken.None)).Photo!;
        using var thumbnail = SKBitmap.Decode(photo.Thumbnail);
        Assert.Equal((100, 60), (thumbnail.Width, thumbnail.Height));
    }

    private static SKColor Invert(SKBitmap bitmap, int x, int y) => bitmap.GetPixel(bitmap.Width - 1 - x, bitmap.Height - 1 - y);

    private static void AssertRed(SKColor color, bool expected = true) =>
        Assert.True((color.Red > 200 && color.Green < 60 && color.Blue < 60) == expected, "pixel " + color);
}
