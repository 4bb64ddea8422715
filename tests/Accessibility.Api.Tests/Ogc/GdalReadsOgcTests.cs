using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Accessibility.Api.Tests.Ogc;

/// <summary>
/// GDAL's OAPIF driver (Debian <c>gdal-bin</c>, installed by <c>make test</c>) reads the registry as
/// QGIS and ogr2ogr users will: it lists every collection and reads every feature through the
/// keyset <c>next</c> links. Never skipped: without GDAL these tests fail and say how to install it.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed partial class GdalReadsOgcTests(RegistryFixture registry) : IAsyncLifetime
{
    private const int PageSize = 7;

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await OgcTestData.SeedAsync(registry, 40, roads: 9);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string Source => "OAPIF:" + registry.BaseAddress + "ogc";

    [Fact]
    public async Task Ogrinfo_lists_every_collection()
    {
        using var client = registry.CreateClient();
        var collections = JsonNode.Parse(await client.GetStringAsync(new Uri("/ogc/collections", UriKind.Relative)))!;
        var expected = collections["collections"]!.AsArray().Select(c => (string)c!["id"]!).Order(StringComparer.Ordinal).ToArray();

        var output = await RunAsync("ogrinfo", "-ro", "-so", Source);
        var listed = LayerLine().Matches(output).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, listed);
        Assert.Equal(18, listed.Length);
        Assert.Contains("public-reports", listed);
    }

    [Fact]
    public async Task Ogr2ogr_reads_every_collection_with_the_right_count_through_several_pages()
    {
        using var client = registry.CreateClient();
        var collections = JsonNode.Parse(await client.GetStringAsync(new Uri("/ogc/collections", UriKind.Relative)))!;
        var ids = collections["collections"]!.AsArray().Select(c => (string)c!["id"]!).ToArray();
        var dir = Directory.CreateTempSubdirectory("ogc-gdal-");
        try
        {
            foreach (var id in ids)
            {
                var expected = await ExpectedCountAsync(id);
                var summary = await RunAsync("ogrinfo", "-ro", "-so", Source, id, "-oo", "PAGE_SIZE=" + PageSize);
                Assert.True(summary.Contains("Feature Count: " + expected, StringComparison.Ordinal), id + ": expected " + expected + " features in\n" + summary);

                var target = Path.Combine(dir.FullName, id + ".geojson");
                var log = await RunAsync("ogr2ogr", "-f", "GeoJSON", target, Source, id, "-oo", "PAGE_SIZE=" + PageSize, "--debug", "on");
                var features = JsonNode.Parse(await File.ReadAllTextAsync(target))!["features"]!.AsArray();
                Assert.True(expected == features.Count, id + ": ogr2ogr wrote " + features.Count + " features, expected " + expected);

                // Every page after the first was asked for with the keyset cursor of a next link.
                var followed = Regex.Matches(log, @"Fetch\([^)]*/items\?[^)]*after=").Count;
                var pages = (int)Math.Ceiling(expected / (double)PageSize);
                Assert.True(followed >= pages - 1, id + ": " + followed + " next links followed for " + pages + " pages");
            }

            // The paged collections really had several pages.
            Assert.True(await ExpectedCountAsync("facilities") > 3 * PageSize);
            Assert.True(await ExpectedCountAsync("public-reports") > 2 * PageSize);
            Assert.True(await ExpectedCountAsync("districts") > 3 * PageSize);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Gdal_reads_with_an_api_key_only_its_layers_and_every_request_is_counted()
    {
        using var admin = await registry.CreateUserClientAsync("system-admin");
        var (id, secret) = await Sharing.SharingTestData.CreateKeyAsync(admin, ["140881"], ["public-reports", "defects"]);

        // In the URL, for clients that cannot send headers: GDAL keeps it on every request, next links included.
        var withKey = "OAPIF:" + registry.BaseAddress + "ogc?api-key=" + secret;
        var output = await RunAsync("ogrinfo", "-ro", "-so", withKey);
        Assert.Equal(["districts", "open-defects", "public-reports"], LayerLine().Matches(output).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal));
        var dir = Directory.CreateTempSubdirectory("ogc-gdal-key-");
        try
        {
            var target = Path.Combine(dir.FullName, "reports.geojson");
            await RunAsync("ogr2ogr", "-f", "GeoJSON", target, withKey, "public-reports", "-oo", "PAGE_SIZE=" + PageSize);
            var features = JsonNode.Parse(await File.ReadAllTextAsync(target))!["features"]!.AsArray();
            Assert.Equal(await ExpectedCountAsync("public-reports"), features.Count);
            Assert.DoesNotContain(OgcTestData.ReporterEmail, await File.ReadAllTextAsync(target), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        // In a header, as GDAL_HTTP_HEADERS (or QGIS's API header authentication) sends it.
        var header = await RunAsync("ogrinfo", "-ro", "-so", "--config", "GDAL_HTTP_HEADERS", "X-Api-Key: " + secret, Source, "open-defects");
        Assert.Contains("Feature Count: " + await ExpectedCountAsync("open-defects"), header, StringComparison.Ordinal);

        var usage = JsonNode.Parse(await admin.GetStringAsync(new Uri("/api/v1/api-keys/" + id + "/usage", UriKind.Relative)))!["byLayer"]!;
        var pages = (int)Math.Ceiling(await ExpectedCountAsync("public-reports") / (double)PageSize);
        Assert.True((long)usage["public-reports"]! >= pages, usage.ToJsonString());
        Assert.True((long)usage["defects"]! >= 1, usage.ToJsonString());
        Assert.True((long)usage["reference"]! >= 1, usage.ToJsonString());
    }

    [Fact]
    public async Task Gdal_sends_an_attribute_filter_to_the_server_as_cql_and_reads_the_filtered_layer()
    {
        // GDAL 3.6 finds filtering in the OpenAPI enum of filter-lang ("cql-text", the draft's name) and the queryables among
        // the items parameters; it then sends -where as filter=…&filter-lang=cql-text, which the registry reads as CQL2 text.
        const string where = "status = 'operational' AND (kind = 'ramp' OR name LIKE '%设施1%')";
        var expected = await registry.ScalarAsync<long>(
            "SELECT count(*) FROM facilities WHERE deleted_at IS NULL AND status = 'operational' AND (kind = 'ramp' OR name LIKE '%设施1%')");
        Assert.True(expected is > 0 and < 20, expected + " features");

        var summary = await RunAsync("ogrinfo", "-ro", "-so", Source, "facilities", "-where", where, "-oo", "PAGE_SIZE=" + PageSize);
        Assert.Contains("Feature Count: " + expected, summary, StringComparison.Ordinal);

        var dir = Directory.CreateTempSubdirectory("ogc-gdal-filter-");
        try
        {
            var target = Path.Combine(dir.FullName, "filtered.geojson");
            var log = await RunAsync("ogr2ogr", "-f", "GeoJSON", target, Source, "facilities", "-where", where, "-oo", "PAGE_SIZE=" + PageSize, "--debug", "on");
            var features = JsonNode.Parse(await File.ReadAllTextAsync(target))!["features"]!.AsArray();
            Assert.Equal(expected, features.Count);

            // The server did the filtering: every items request carried the filter, and there were only the pages of the matches.
            var fetches = Regex.Matches(log, @"Fetch\((\S+/collections/facilities/items\?\S+)\)\s*$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
            Assert.NotEmpty(fetches);
            Assert.All(fetches.Skip(1), f => Assert.Contains("filter-lang=cql-text", f, StringComparison.Ordinal));
            Assert.DoesNotContain("evaluated on client side", log, StringComparison.Ordinal);
            Assert.True(fetches.Count <= 2 + (int)Math.Ceiling(expected / (double)PageSize), string.Join("\n", fetches));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private async Task<long> ExpectedCountAsync(string collection) => collection switch
    {
        "facilities" => await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE deleted_at IS NULL"),
        "road-segments" => await registry.ScalarAsync<long>("SELECT count(*) FROM road_segments WHERE deleted_at IS NULL"),
        "districts" => await registry.ScalarAsync<long>("SELECT count(*) FROM districts WHERE boundary IS NOT NULL"),
        "open-defects" => await registry.ScalarAsync<long>("SELECT count(*) FROM defects WHERE status IN ('open', 'assigned', 'fixed')"),
        "public-reports" => await registry.ScalarAsync<long>("SELECT count(*) FROM reports"),
        _ => await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE deleted_at IS NULL AND kind = $1", collection["facilities-".Length..]),
    };

    /// <summary>Runs a GDAL tool, failing with its output on a non-zero exit, and with install advice when it is missing.</summary>
    internal static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        // Only the service on the loopback interface is asked; no proxy in between.
        start.Environment["NO_PROXY"] = "127.0.0.1,localhost";
        start.Environment["no_proxy"] = "127.0.0.1,localhost";
        start.Environment["GDAL_HTTP_TIMEOUT"] = "60";

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"{tool} (GDAL) is not installed, so the OGC API cannot be checked against GDAL's OAPIF driver: "
                + $"run `make test` (it installs the Debian package gdal-bin) or `apt-get install gdal-bin`. ({ex.Message})");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            var output = await stdout + await stderr;
            Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
            return output;
        }
    }

    [GeneratedRegex(@"^\d+: (\S+)", RegexOptions.Multiline)]
    private static partial Regex LayerLine();
}
