using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Tests.Auth;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Photos;

[Collection(RegistryCollection.Name)]
public sealed class PhotoEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly Uri Photos = Url("/api/v1/photos");

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_phone_jpeg_is_stored_upright_without_exif_gps_xmp_or_comment()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        // 640 × 480 as the sensor wrote it, Orientation 6: the phone was held upright, so it shows 480 × 640.
        var upload = TestImages.WithExifGps(TestImages.Jpeg(640, 480), orientation: 6);
        Assert.True(TestImages.Contains(upload, "Exif\0\0"u8));

        using var response = await inspector.PostAsync(Photos, TestImages.Upload(upload, "IMG_0001.JPG", "image/jpeg"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var photo = await response.ReadObjectAsync();
        var id = (string)photo["id"]!;
        Assert.Equal("/api/v1/photos/" + id, response.Headers.Location?.OriginalString);
        Assert.Equal("image/jpeg", (string?)photo["contentType"]);
        Assert.Equal((480, 640), ((int)photo["width"]!, (int)photo["height"]!));
        Assert.Equal("/api/v1/photos/" + id, (string?)photo["url"]);
        Assert.Equal("/api/v1/photos/" + id + "/thumbnail", (string?)photo["thumbnailUrl"]);

        var stored = (await registry.ScalarAsync<byte[]>("SELECT content FROM photos WHERE id = $1", Guid.Parse(id)))!;
        Assert.Equal((int)photo["bytes"]!, stored.Length);
        Assert.False(TestImages.Contains(stored, "Exif\0\0"u8), "Exif segment");
        // The GPSInfo IFD entry (tag 0x8825, LONG, count 1) in either byte order.
        Assert.False(TestImages.Contains(stored, [0x88, 0x25, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01]), "GPS IFD pointer (big-endian)");
        Assert.False(TestImages.Contains(stored, [0x25, 0x88, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00]), "GPS IFD pointer (little-endian)");
        Assert.False(TestImages.Contains(stored, "xmpmeta"u8), "XMP");
        Assert.False(TestImages.Contains(stored, Encoding.ASCII.GetBytes(TestImages.Secret)), "comment");
        var markers = TestImages.JpegMarkers(stored);
        Assert.DoesNotContain((byte)0xE1, markers); // APP1: Exif or XMP
        Assert.DoesNotContain((byte)0xFE, markers); // COM

        // Upright: the corner that was top-left on the sensor is now top-right.
        using var decoded = SKBitmap.Decode(stored);
        var topRight = decoded.GetPixel(475, 5);
        Assert.True(topRight.Red > 200 && topRight.Green < 60, "top-right " + topRight);
        Assert.True(decoded.GetPixel(5, 5).Red < 160, "top-left is grey");
    }

    [Theory]
    [InlineData("png", "image/png")]
    [InlineData("webp", "image/webp")]
    public async Task Png_and_webp_are_accepted_and_stay_in_their_format(string kind, string contentType)
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var upload = kind == "png" ? TestImages.Png(400, 300) : TestImages.Webp(400, 300);

        // The declared type and name lie; the bytes decide.
        using var response = await inspector.PostAsync(Photos, TestImages.Upload(upload, "scan.jpg", "image/jpeg"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var photo = await response.ReadObjectAsync();
        Assert.Equal(contentType, (string?)photo["contentType"]);
        using var get = await inspector.GetAsync(Url((string)photo["url"]!));
        Assert.Equal(contentType, get.Content.Headers.ContentType?.MediaType);
        var body = await get.Content.ReadAsByteArrayAsync();
        Assert.Equal(kind == "png" ? ImageFormat.Png : ImageFormat.Webp, PhotoProcessor.Sniff(body));
        using var decoded = SKBitmap.Decode(body);
        Assert.Equal((400, 300), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task The_thumbnail_is_a_jpeg_320_px_on_the_long_edge()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var photo = await UploadAsync(inspector, TestImages.Png(1000, 700));

        using var response = await registry.CreateClient().GetAsync(Url((string)photo["thumbnailUrl"]!));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        using var thumbnail = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((320, 224), (thumbnail.Width, thumbnail.Height));
    }

    [Fact]
    public async Task Reads_are_public_immutable_and_revalidate_by_etag()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var photo = await UploadAsync(inspector, TestImages.Jpeg(400, 300));
        var id = (string)photo["id"]!;
        using var anonymous = registry.CreateClient();

        foreach (var url in new[] { (string)photo["url"]!, (string)photo["thumbnailUrl"]! })
        {
            using var first = await anonymous.GetAsync(Url(url));
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Contains("immutable", first.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
            Assert.Equal("nosniff", first.Headers.GetValues("X-Content-Type-Options").Single());
            var etag = first.Headers.ETag!;
            Assert.False(etag.IsWeak);

            using var again = new HttpRequestMessage(HttpMethod.Get, Url(url));
            again.Headers.IfNoneMatch.Add(etag);
            using var revalidated = await anonymous.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
            Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());
            Assert.Equal(etag, revalidated.Headers.ETag);

            using var stale = new HttpRequestMessage(HttpMethod.Get, Url(url));
            stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\""));
            Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(stale)).StatusCode);
        }

        var sha = await registry.ScalarAsync<string>("SELECT sha256 FROM photos WHERE id = $1", Guid.Parse(id));
        using var get = await anonymous.GetAsync(Url((string)photo["url"]!));
        Assert.Equal("\"" + sha + "\"", get.Headers.ETag?.Tag);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await get.Content.ReadAsByteArrayAsync())), sha);
    }

    [Fact]
    public async Task An_unknown_photo_is_a_404_problem()
    {
        using var anonymous = registry.CreateClient();
        foreach (var path in new[] { "/api/v1/photos/" + Guid.NewGuid(), "/api/v1/photos/" + Guid.NewGuid() + "/thumbnail" })
        {
            using var response = await anonymous.GetAsync(Url(path));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Text_renamed_to_jpg_and_a_gif_are_415_naming_file()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");

        await AssertRefusedAsync(inspector, TestImages.Upload("this is not an image, only its name says so"u8.ToArray(), "photo.jpg", "image/jpeg"),
            HttpStatusCode.UnsupportedMediaType);
        await AssertRefusedAsync(inspector, TestImages.Upload(TestImages.Gif, "photo.gif", "image/gif"), HttpStatusCode.UnsupportedMediaType);
        using var notMultipart = new ByteArrayContent(TestImages.Jpeg(100, 100));
        notMultipart.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        await AssertRefusedAsync(inspector, notMultipart, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM photos"));
    }

    [Fact]
    public async Task Over_10_mb_is_413_naming_file()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        // One byte over 10 MB: within the endpoint's body limit, refused by the file check.
        var justOver = new byte[PhotoProcessor.MaxFileBytes + 1];
        justOver[0] = 0xFF;
        justOver[1] = 0xD8;
        justOver[2] = 0xFF;
        await AssertRefusedAsync(inspector, TestImages.Upload(justOver, "big.jpg"), HttpStatusCode.RequestEntityTooLarge);
        // 12 MB: over the endpoint's body limit, refused from Content-Length before the body is read. With
        // Expect: 100-continue the client waits for the answer instead of sending 12 MB into a closing connection.
        inspector.DefaultRequestHeaders.ExpectContinue = true;
        await AssertRefusedAsync(inspector, TestImages.Upload(new byte[12 * 1024 * 1024], "bigger.jpg"), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM photos"));
    }

    [Fact]
    public async Task An_image_bomb_is_422_without_being_decoded()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var clock = Stopwatch.StartNew();

        var problem = await AssertRefusedAsync(inspector, TestImages.Upload(TestImages.PngBomb(50_000, 50_000), "bomb.png"), HttpStatusCode.UnprocessableEntity);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "took " + clock.Elapsed);
        Assert.Contains("50000 × 50000", (string?)problem["errors"]!["file"]![0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_or_corrupt_jpeg_is_422()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var jpeg = TestImages.Jpeg(400, 300);

        await AssertRefusedAsync(inspector, TestImages.Upload(jpeg[..(jpeg.Length * 6 / 10)], "cut.jpg"), HttpStatusCode.UnprocessableEntity);
        byte[] garbage = [0xFF, 0xD8, 0xFF, 0xE0, .. Encoding.ASCII.GetBytes(new string('x', 2000))];
        await AssertRefusedAsync(inspector, TestImages.Upload(garbage, "garbage.jpg"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM photos"));
    }

    [Fact]
    public async Task A_missing_file_field_is_422_naming_file()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        using var content = new MultipartFormDataContent { { new StringContent("hello"), "note" } };
        await AssertRefusedAsync(inspector, content, HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Anonymous_uploads_are_401()
    {
        using var anonymous = registry.CreateClient();
        using var response = await anonymous.PostAsync(Photos, TestImages.Upload(TestImages.Jpeg(100, 100), "a.jpg"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_page_uploads_over_1_mb_with_its_session_cookie_and_csrf_token()
    {
        // The inspector page signs in with the session cookie and sends the CSRF header; a photo over the global
        // 1 MB body limit goes through because the upload endpoint has its own (10 MB) limit.
        await AuthTestData.CreateUserAsync(registry, "field-inspector", Roles.Inspector, "140881");
        using var browser = registry.CreateCookieClient();
        await AuthTestData.SignInAsync(browser, "field-inspector");
        var upload = TestImages.NoisePng(800, 600);
        Assert.True(upload.Length > 1_048_576, "the upload is " + upload.Length + " bytes");

        using var response = await browser.PostAsync(Photos, TestImages.Upload(upload, "noise.png", "image/png"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task An_upload_is_audited_without_its_bytes()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var photo = await UploadAsync(inspector, TestImages.Jpeg(400, 300));
        var id = (string)photo["id"]!;

        var after = JsonNode.Parse((await registry.ScalarAsync<string>(
            "SELECT after::text FROM audit_entries WHERE entity_type = 'photo' AND entity_id = $1 AND action = 'create'", id))!)!;
        Assert.Equal(id, (string?)after["id"]);
        Assert.Equal((int)photo["bytes"]!, (int)after["bytes"]!);
        Assert.Null(after["content"]);
        Assert.Null(after["thumbnail"]);
        Assert.True(after.ToJsonString().Length < 1000);
        Assert.NotNull(await registry.ScalarAsync<long?>("SELECT uploaded_by FROM photos WHERE id = $1", Guid.Parse(id)));
    }

    [Fact]
    public async Task The_store_tells_other_features_which_ids_are_missing()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var stored = Guid.Parse((string)(await UploadAsync(inspector, TestImages.Jpeg(100, 100)))["id"]!);
        var unknown = Guid.NewGuid();

        await using var scope = registry.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<PhotoStore>();
        Assert.True(await store.ExistsAsync([]));
        Assert.True(await store.ExistsAsync([stored, stored]));
        Assert.False(await store.ExistsAsync([stored, unknown]));
        Assert.Equal([unknown], await store.FindMissingAsync([stored, unknown, unknown]));
    }

    private static async Task<JsonObject> UploadAsync(HttpClient client, byte[] image)
    {
        using var response = await client.PostAsync(Photos, TestImages.Upload(image, "photo"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadObjectAsync();
    }

    private static async Task<JsonObject> AssertRefusedAsync(HttpClient client, HttpContent content, HttpStatusCode status)
    {
        using var response = await client.PostAsync(Photos, content);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadObjectAsync();
        Assert.NotNull(problem["errors"]?["file"]);
        return problem;
    }
}
