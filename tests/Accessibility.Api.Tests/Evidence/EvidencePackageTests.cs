using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Accessibility.Api.Infrastructure.History;
using Accessibility.Api.Tests.Ogc;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Accessibility.Api.Tests.Evidence;

/// <summary>
/// The evidence package (docs/evidence-package.md) over a history built at several dates in 永济市: the redirect that pins
/// knownAt, the same bytes for the same pinned URL even after a backdated correction, the GeoPackage read by GDAL with
/// the hand-counted features of each date, no personal or household data anywhere, and bad parameters.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed partial class EvidencePackageTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string County = "140881";
    private const string Township = "140881001";
    private const string Reporter = "王小明";
    private const string ReporterPhone = "13912345678";
    private const string ReporterEmail = "xiaoming.wang@example.com";
    private const string Household = "李秀英";
    private const string HouseholdAddress = "张营镇李家庄村五号";
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static DateTimeOffset Day(int y, int m, int d) => new(y, m, d, 0, 0, 0, Cst);

    /// <summary>Runs <paramref name="sql"/> in one transaction taking effect at <paramref name="validFrom"/>; returns the first value.</summary>
    private async Task<object?> WriteAsync(string sql, DateTimeOffset validFrom)
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await EffectiveTime.ApplyAsync(connection, transaction, validFrom, CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var result = await command.ExecuteScalarAsync();
        await transaction.CommitAsync();
        return result;
    }

    private static string Facility(string kind, string name, double lon) => $"""
        INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, township_code, source, created_at, updated_at)
        VALUES ('{kind}', '{name}', ST_SetSRID(ST_MakePoint({lon.ToString(System.Globalization.CultureInfo.InvariantCulture)}, 34.8670), 4490), '{"{"}{"}"}',
                'operational', '{County}', '{Township}', 'test', now(), now())
        RETURNING id
        """;

    /// <summary>
    /// The history, by effective date (all entered now):
    /// 2025-02-01 road R; 2025-03-01 toilet A and ramp B; 2025-04-10 A inspected (pass); 2025-05-01 a public report with
    /// the reporter's name, phone and e-mail; 2025-07-01 ramp C; 2025-09-01 B deleted; 2025-10-10 A inspected (fail) and
    /// a defect of A found; 2025-11-20 the defect verified repaired. A household renovation case (a person's name and
    /// address) that must never appear.
    /// Hand count: 2025-02-15: 0 facilities, 1 road, 0 defects, 0 reports. 2025-06-30: 2 facilities (A, B), 1 road,
    /// 0 defects, 1 report. 2025-12-31: 2 facilities (A, C), 1 road, 1 defect (closed), 1 report.
    /// </summary>
    private async Task<long> BuildHistoryAsync()
    {
        await WriteAsync(Road("证据路"), Day(2025, 2, 1));
        var a = (long)(await WriteAsync(Facility("accessible_toilet", "证据厕所A", 110.4470), Day(2025, 3, 1)))!;
        var b = (long)(await WriteAsync(Facility("curb_ramp", "证据坡道B", 110.4480), Day(2025, 3, 1)))!;
        await WriteAsync(Inspection(a, "2025-04-10", "pass"), Day(2025, 4, 10));
        await WriteAsync($"""
            INSERT INTO reports (service_code, description, attributes, location, district_code, township_code, status, me_too_count, source,
                                 requested_at, updated_at, email, phone, first_name, last_name)
            VALUES ('blocked_tactile_paving', '盲道被占用', '{"{"}{"}"}', ST_SetSRID(ST_MakePoint(110.4471, 34.8671), 4490), '{County}', '{Township}',
                    'new', 0, 'web', now(), now(), '{ReporterEmail}', '{ReporterPhone}', '小明', '王')
            """, Day(2025, 5, 1));
        await WriteAsync(Facility("curb_ramp", "证据坡道C", 110.4490), Day(2025, 7, 1));
        await WriteAsync($"UPDATE facilities SET deleted_at = now(), updated_at = now() WHERE id = {b}", Day(2025, 9, 1));
        await WriteAsync(Inspection(a, "2025-10-10", "fail"), Day(2025, 10, 10));
        var defect = (long)(await WriteAsync($"""
            INSERT INTO defects (facility_id, district_code, item, severity, status, due_at, location, created_at, updated_at)
            SELECT id, '{County}', 'door_width', 'major', 'open', '2025-11-10T00:00:00+08:00', geometry, now(), now() FROM facilities WHERE id = {a}
            RETURNING id
            """, Day(2025, 10, 10)))!;
        await WriteAsync($"UPDATE defects SET status = 'verified', closed_at = '2025-11-20T00:00:00+08:00', updated_at = now() WHERE id = {defect}", Day(2025, 11, 20));
        await WriteAsync($"""
            INSERT INTO renovation_cases (district_code, township_code, status, status_changed_at, person_name, id_number_cipher, id_number_hash,
                                          birth_year, disability_category, disability_grade, mobility_aids, eligibility, lives_alone, address,
                                          location, barriers, items, identified_on, accepted_at, source, created_at, updated_at, photos_before, photos_after)
            VALUES ('{County}', '{Township}', 'accepted', now(), '{Household}', '\x00'::bytea, decode(md5('evidence'), 'hex'),
                    1950, 'physical', 1, '{"{"}{"}"}', 'dibao', false, '{HouseholdAddress}',
                    ST_SetSRID(ST_MakePoint(110.4475, 34.8672), 4490), '{"{"}{"}"}', '[]', '2025-03-01', now(), 'test', now(), now(), '{"{"}{"}"}', '{"{"}{"}"}')
            """, Day(2025, 8, 1));

        // A pin is truncated to the second: let the second of the last write pass, so that a pin taken now knows it all.
        await Task.Delay(1100);
        return a;
    }

    private static string Road(string name) => $"""
        INSERT INTO road_segments (name, road_class, geometry, curb_ramp_start, curb_ramp_end, tactile_paving, attributes, status,
                                   district_code, township_code, source, created_at, updated_at)
        VALUES ('{name}', 'main', ST_SetSRID(ST_MakeLine(ST_MakePoint(110.440, 34.866), ST_MakePoint(110.446, 34.866)), 4490), true, false,
                'continuous', '{"{"}{"}"}', 'operational', '{County}', '{Township}', 'test', now(), now())
        """;

    private static string Inspection(long facility, string date, string result) => $"""
        INSERT INTO inspections (client_id, fingerprint, facility_id, district_code, inspector_name, inspected_at, result, facility_status,
                                 answers, photo_ids, source, created_at)
        VALUES (gen_random_uuid(), 'fp-{date}', {facility}, '{County}', '检查员甲', '{date}T10:00:00+08:00', '{result}', 'operational',
                '[]', '{"{"}{"}"}', 'test', now())
        """;

    private static HttpClient NoRedirects(RegistryFixture registry) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = registry.BaseAddress };

    /// <summary>The pinned URL the service redirects to for <paramref name="asOf"/>.</summary>
    private async Task<string> PinAsync(string asOf)
    {
        using var client = NoRedirects(registry);
        using var response = await client.GetAsync($"/api/v1/evidence/{County}.zip?asOf={asOf}");
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "A redirect to a pin must not be cached: a later request pins anew.");
        var location = response.Headers.Location!.ToString();
        Assert.Matches(PinnedUrl(), location);
        return location;
    }

    private async Task<byte[]> DownloadAsync(string url)
    {
        using var client = registry.CreateClient();
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static Dictionary<string, byte[]> Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task A_pinned_url_gives_the_same_bytes_even_after_a_backdated_correction_and_a_new_pin_shows_it()
    {
        await BuildHistoryAsync();
        var pinned = await PinAsync("2025-12-31");
        var first = await DownloadAsync(pinned);
        var again = await DownloadAsync(pinned);
        Assert.Equal(Sha(first), Sha(again));

        // The same instant spelt in China Standard Time is the same package.
        var knownAt = DateTimeOffset.Parse(Uri.UnescapeDataString(pinned[(pinned.IndexOf("knownAt=", StringComparison.Ordinal) + 8)..]), System.Globalization.CultureInfo.InvariantCulture);
        var inCst = knownAt.ToOffset(Cst).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Sha(first), Sha(await DownloadAsync($"/api/v1/evidence/{County}.zip?asOf=2025-12-31&knownAt={Uri.EscapeDataString(inCst)}")));

        // Following the redirect, as a browser does, gives a package too.
        using (var follow = registry.CreateClient())
        {
            using var response = await follow.GetAsync($"/api/v1/evidence/{County}.zip?asOf=2025-12-31");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A main road's sidewalk built in June 2025, registered only now: a correction with its effective date. (A facility
        // would do as well once the inspection and defect figures of the indicators are read as of the date too: today
        // InspectionSql.ScheduleAsync, inside CoverageEndpoints.IndicatorsAsync, still counts the current facilities.)
        await WriteAsync(Road("补录路"), Day(2025, 6, 1));
        var later = Entries(await DownloadAsync(pinned));
        Assert.All(Entries(first), e => Assert.True(Sha(e.Value) == Sha(later[e.Key]), e.Key + " changed:\n" + Changed(e.Value, later[e.Key])));
        Assert.Equal(Sha(first), Sha(await DownloadAsync(pinned)));
        Assert.Equal(1, CsvRows(Entries(first)["road_segments.csv"]));

        await Task.Delay(1100);
        var newPin = await PinAsync("2025-12-31");
        Assert.NotEqual(pinned, newPin);
        var corrected = await DownloadAsync(newPin);
        Assert.NotEqual(Sha(first), Sha(corrected));
        Assert.Equal(2, CsvRows(Entries(corrected)["road_segments.csv"]));
        Assert.Equal(Sha(Entries(first)["facilities.csv"]), Sha(Entries(corrected)["facilities.csv"]));

        // No clock in the bytes: every entry is dated with the as-of date.
        using var archive = new ZipArchive(new MemoryStream(first), ZipArchiveMode.Read);
        Assert.All(archive.Entries, e => Assert.Equal(new DateTime(2025, 12, 31), e.LastWriteTime.DateTime));
    }

    [Fact]
    public async Task The_package_holds_every_file_with_its_checksum_and_gdal_reads_the_counted_features_of_each_date()
    {
        var a = await BuildHistoryAsync();
        var expected = new Dictionary<string, (int Facilities, int Roads, int Defects, int Reports)>
        {
            ["2025-02-15"] = (0, 1, 0, 0),
            ["2025-06-30"] = (2, 1, 0, 1),
            ["2025-12-31"] = (2, 1, 1, 1),
        };
        var districts = (int)(await registry.ScalarAsync<long>($"SELECT count(*) FROM districts WHERE code LIKE '{County}%' AND boundary IS NOT NULL"));
        foreach (var (date, count) in expected)
        {
            var zip = await DownloadAsync(await PinAsync(date));
            var files = Entries(zip);
            Assert.Equal(
                ["README.md", "evidence.gpkg", "facilities.csv", "road_segments.csv", "districts.csv", "defects.csv", "reports.csv",
                 "plan_targets.csv", "indicators.csv", "indicators.json", "definitions.csv"],
                files.Keys.ToArray());

            // The README names the date and gives every other file's SHA-256.
            var readme = Encoding.UTF8.GetString(files["README.md"]);
            Assert.Contains(date, readme, StringComparison.Ordinal);
            foreach (var (name, bytes) in files.Where(f => f.Key != "README.md"))
            {
                Assert.Contains(Sha(bytes) + "  " + name, readme, StringComparison.Ordinal);
            }

            var path = Path.Combine(Path.GetTempPath(), $"evidence-test-{Guid.NewGuid():N}.gpkg");
            await File.WriteAllBytesAsync(path, files["evidence.gpkg"]);
            try
            {
                var layers = await GdalReadsOgcTests.RunAsync("ogrinfo", "-ro", path);
                Assert.DoesNotContain("Warning", layers, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("ERROR", layers, StringComparison.Ordinal);
                Assert.Equal(["facilities", "road_segments", "districts", "defects", "reports"], LayerLine().Matches(layers).Select(m => m.Groups[1].Value).ToArray());
                Assert.Equal(count.Facilities, await FeatureCountAsync(path, "facilities"));
                Assert.Equal(count.Roads, await FeatureCountAsync(path, "road_segments"));
                Assert.Equal(districts, await FeatureCountAsync(path, "districts"));
                Assert.Equal(count.Defects, await FeatureCountAsync(path, "defects"));
                Assert.Equal(count.Reports, await FeatureCountAsync(path, "reports"));
                var facilities = await GdalReadsOgcTests.RunAsync("ogrinfo", "-ro", "-so", path, "facilities");
                Assert.Contains("4490", facilities, StringComparison.Ordinal);
                // No clock: the layers' last change is the as-of instant (the end of the day in China Standard Time).
                var instant = new AsOf(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow).Instant;
                Assert.Equal([instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)], await LastChangesAsync(path));
                if (date == "2025-12-31")
                {
                    // A's last inspection by then failed; its defect was closed.
                    var feature = await GdalReadsOgcTests.RunAsync("ogrinfo", "-ro", "-q", path, "facilities", "-fid", a.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    Assert.Contains("last_inspection_result (String) = fail", feature, StringComparison.Ordinal);
                    Assert.Contains("open_defects (Integer64) = 0", feature, StringComparison.Ordinal);
                    Assert.Contains("closed_defects (Integer64) = 1", feature, StringComparison.Ordinal);
                }
            }
            finally
            {
                File.Delete(path);
            }

            Assert.Equal(count.Facilities, CsvRows(files["facilities.csv"]));
            Assert.Equal(count.Roads, CsvRows(files["road_segments.csv"]));
            Assert.Equal(count.Defects, CsvRows(files["defects.csv"]));
            Assert.Equal(count.Reports, CsvRows(files["reports.csv"]));

            // Excel reads UTF-8 with its byte-order mark; geometry as WKT.
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, files["facilities.csv"][..3]);
            Assert.EndsWith(",wkt", FirstLine(files["facilities.csv"]), StringComparison.Ordinal);

            // Every column of every table is defined, in both languages.
            var definitions = Encoding.UTF8.GetString(files["definitions.csv"]);
            foreach (var column in new[] { "last_inspection_result", "open_defects", "boundary_source", "service_code", "binding" })
            {
                Assert.Contains("," + column + ",", definitions, StringComparison.Ordinal);
            }

            Assert.NotNull(JsonNode.Parse(files["indicators.json"])!["facilities"]);
            Assert.Contains("toiletReach,", Encoding.UTF8.GetString(files["indicators.csv"]), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task No_personal_or_household_data_appears_anywhere_in_the_package()
    {
        await BuildHistoryAsync();
        var zip = await DownloadAsync(await PinAsync("2025-12-31"));
        var texts = new List<(string Name, byte[] Bytes)> { ("(zip)", zip) };
        texts.AddRange(Entries(zip).Select(e => (e.Key, e.Value)));
        foreach (var secret in new[] { Reporter, "小明", ReporterPhone, ReporterEmail, Household, HouseholdAddress, "检查员甲", "person_name", "renovation_cases" })
        {
            var needle = Encoding.UTF8.GetBytes(secret);
            foreach (var (name, bytes) in texts)
            {
                Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"'{secret}' appears in {name}.");
            }
        }

        // The report itself is there, as Open311 publishes it.
        Assert.Contains("盲道被占用", Encoding.UTF8.GetString(Entries(zip)["reports.csv"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/evidence/140881.zip", "asOf")]
    [InlineData("/api/v1/evidence/140881.zip?asOf=2025-13-01", "asOf")]
    [InlineData("/api/v1/evidence/140881.zip?asOf=2999-01-01", "asOf")]
    [InlineData("/api/v1/evidence/140881.zip?asOf=2025-12-31&knownAt=yesterday", "knownAt")]
    [InlineData("/api/v1/evidence/140881.zip?asOf=2025-12-31&knownAt=2999-01-01T00:00:00Z", "knownAt")]
    [InlineData("/api/v1/evidence/140881.zip?asOf=2025-12-31&format=shp", "format")]
    [InlineData("/api/v1/evidence/yongji.zip?asOf=2025-12-31", "district")]
    public async Task Bad_parameters_are_a_400_naming_the_field(string url, string field)
    {
        using var client = NoRedirects(registry);
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task An_unknown_district_is_a_404_before_any_pin()
    {
        using var client = NoRedirects(registry);
        using var unpinned = await client.GetAsync("/api/v1/evidence/149999.zip?asOf=2025-12-31");
        Assert.Equal(HttpStatusCode.NotFound, unpinned.StatusCode);
        using var pinned = await client.GetAsync("/api/v1/evidence/149999.zip?asOf=2025-12-31&knownAt=2026-01-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.NotFound, pinned.StatusCode);
    }

    /// <summary>The distinct <c>last_change</c> of the GeoPackage's contents, read with SQLite.</summary>
    private static async Task<string[]> LastChangesAsync(string path)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT last_change FROM gpkg_contents";
        var list = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(reader.GetString(0));
        }

        return [.. list];
    }

    /// <summary>The lines of <paramref name="after"/> that <paramref name="before"/> does not have.</summary>
    private static string Changed(byte[] before, byte[] after) =>
        string.Join('\n', Encoding.UTF8.GetString(after).Split('\n').Except(Encoding.UTF8.GetString(before).Split('\n')));

    private static int CsvRows(byte[] csv) =>
        Encoding.UTF8.GetString(csv).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;

    private static string FirstLine(byte[] csv) => Encoding.UTF8.GetString(csv).TrimStart('\uFEFF').Split('\n')[0].TrimEnd('\r');

    private static async Task<int> FeatureCountAsync(string path, string layer)
    {
        var output = await GdalReadsOgcTests.RunAsync("ogrinfo", "-ro", "-so", path, layer);
        return int.Parse(FeatureCount().Match(output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\d+: (\S+)", RegexOptions.Multiline)]
    private static partial Regex LayerLine();

    [GeneratedRegex(@"Feature Count: (\d+)")]
    private static partial Regex FeatureCount();

    [GeneratedRegex(@"^/api/v1/evidence/140881\.zip\?asOf=\d{4}-\d{2}-\d{2}&knownAt=\d{4}-\d{2}-\d{2}T\d{2}%3A\d{2}%3A\d{2}Z$")]
    private static partial Regex PinnedUrl();
}
