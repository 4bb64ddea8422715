using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Accessibility.Api.Tests.Infrastructure;

/// <summary>
/// Responses are compressed (Brotli preferred, else gzip) when the client accepts it and sent as they are when it
/// does not; responses that carry per-user secrets (staff pages with antiforgery tokens, the auth API) never are.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class CompressionTests(RegistryFixture registry)
{
    public static TheoryData<string, string> Compressed => new()
    {
        { "a page", "/index.html" },
        { "a script", "/app.js" },
        { "a library", "/lib/leaflet/leaflet.js" },
        { "a string table", "/strings/map.json" },
        { "an API answer", "/api/v1/facility-kinds" },
        { "the API description", "/openapi/v1.json" },
        { "a static file of the staff workspace", "/staff/staff.css" },
    };

    [Theory]
    [MemberData(nameof(Compressed))]
    public async Task Compressed_when_the_client_accepts_it_and_the_same_bytes_unpacked(string what, string path)
    {
        var plain = await GetAsync(path, null);
        Assert.True(plain.Encoding is null, $"{what}: sent as {plain.Encoding} to a client that accepts no encoding");

        var br = await GetAsync(path, "gzip, deflate, br");
        Assert.True(br.Encoding == "br", $"{what}: {br.Encoding ?? "not compressed"} for a client that accepts br");
        Assert.True(br.Body.Length < plain.Body.Length, $"{what}: {br.Body.Length} bytes compressed, {plain.Body.Length} plain");
        Assert.Equal(plain.Body, Unpack(br.Body, "br"));
        Assert.Contains("Accept-Encoding", br.Vary);

        var gzip = await GetAsync(path, "gzip");
        Assert.True(gzip.Encoding == "gzip", $"{what}: {gzip.Encoding ?? "not compressed"} for a client that accepts gzip only");
        Assert.Equal(plain.Body, Unpack(gzip.Body, "gzip"));
    }

    public static TheoryData<string, string> Uncompressed => new()
    {
        { "the staff sign-in page (antiforgery token in its form)", "/staff/sign-in" },
        { "the antiforgery token", "/api/v1/auth/antiforgery" },
    };

    [Theory]
    [MemberData(nameof(Uncompressed))]
    public async Task Responses_with_secrets_are_never_compressed(string what, string path)
    {
        var response = await GetAsync(path, "gzip, deflate, br");
        Assert.True(response.Status == HttpStatusCode.OK, $"{what}: {response.Status}");
        Assert.True(response.Encoding is null, $"{what}: compressed as {response.Encoding}");
    }

    [Fact]
    public async Task The_web_builds_Brotli_copy_is_sent_as_it_is_and_a_stale_copy_never()
    {
        // A script and its copy as the web build writes them (scripts/copy-web-libs.mjs), in a folder of the build
        // output (wwwroot/lib/, not committed) of this test's own.
        var webRoot = registry.Services.GetRequiredService<IWebHostEnvironment>().WebRootPath;
        var folder = Path.Combine(webRoot, "lib", $"precompressed-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 400).Select(i => $"export const line{i} = 'facility {i % 17}';\n")));
            var script = Path.Combine(folder, "page.js");
            var copy = script + ".br";
            await File.WriteAllBytesAsync(script, text);
            var best = Pack(text, CompressionLevel.SmallestSize);
            Assert.NotEqual(Pack(text, CompressionLevel.Fastest), best); // else the test could not tell the copy from per-request compression
            await File.WriteAllBytesAsync(copy, best);
            File.SetLastWriteTimeUtc(copy, File.GetLastWriteTimeUtc(script));
            var path = $"/lib/{Path.GetFileName(folder)}/page.js";

            var br = await GetAsync(path, "gzip, deflate, br");
            Assert.Equal("br", br.Encoding);
            Assert.Equal(best, br.Body);
            Assert.Contains("Accept-Encoding", br.Vary);
            var gzip = await GetAsync(path, "gzip");
            Assert.Equal("gzip", gzip.Encoding);
            Assert.Equal(text, Unpack(gzip.Body, "gzip"));
            var plain = await GetAsync(path, null);
            Assert.Null(plain.Encoding);
            Assert.Equal(text, plain.Body);
            // The copy itself is not served by name, to a client that takes Brotli or one that does not.
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(path + ".br", null)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(path + ".br", "br")).Status);

            // The script edited after the build: its copy is older and says the old text; the new text is sent.
            var edited = Encoding.UTF8.GetBytes("export const edited = true;\n" + Encoding.UTF8.GetString(text));
            await File.WriteAllBytesAsync(script, edited);
            File.SetLastWriteTimeUtc(copy, File.GetLastWriteTimeUtc(script).AddMinutes(-1));
            var afterEdit = await GetAsync(path, "gzip, deflate, br");
            Assert.Equal("br", afterEdit.Encoding);
            Assert.Equal(edited, Unpack(afterEdit.Body, "br"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static byte[] Pack(byte[] text, CompressionLevel level)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, level))
        {
            brotli.Write(text);
        }

        return output.ToArray();
    }

    private sealed record Answer(HttpStatusCode Status, string? Encoding, byte[] Body, string[] Vary);

    private async Task<Answer> GetAsync(string path, string? acceptEncoding)
    {
        // A handler that does not decompress: the test sees the bytes on the wire.
        using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = registry.BaseAddress,
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (acceptEncoding is not null)
        {
            foreach (var coding in acceptEncoding.Split(','))
            {
                request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(coding.Trim()));
            }
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return new Answer(
            response.StatusCode,
            response.Content.Headers.ContentEncoding.SingleOrDefault(),
            body,
            [.. response.Headers.Vary]);
    }

    private static byte[] Unpack(byte[] body, string encoding)
    {
        using var input = new MemoryStream(body);
        using Stream unpack = encoding == "br"
            ? new BrotliStream(input, CompressionMode.Decompress)
            : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        unpack.CopyTo(output);
        return output.ToArray();
    }
}
