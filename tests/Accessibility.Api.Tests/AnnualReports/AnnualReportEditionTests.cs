using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Infrastructure.History;
using Accessibility.Api.Tests.Auth;
using Accessibility.Api.Tests.Facilities;
using Accessibility.Api.Tests.Staff;
using Npgsql;

namespace Accessibility.Api.Tests.AnnualReports;

/// <summary>
/// Annual reports of ended years (<c>/api/v1/annual-reports/{district}/{year}</c>): the figures as of 31 December, an
/// edition frozen when published (a backdated correction afterwards changes the live figures and a newer edition, never
/// the published one), who may publish, and the field errors of a bad address.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class AnnualReportEditionTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string Yongji = "140881";
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static int LastYear => AsOf.Today(TimeProvider.System).Year - 1;

    private static string Report(int year) => $"/api/v1/annual-reports/{Yongji}/{year}";

    /// <summary>A ramp in township 140881001 of Yongji, entered now with the date it was built.</summary>
    private async Task<long> RampAsync(DateTimeOffset builtOn, string kind = "curb_ramp")
    {
        await using var connection = new NpgsqlConnection(registry.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await EffectiveTime.ApplyAsync(connection, transaction, builtOn, CancellationToken.None);
        await using var command = new NpgsqlCommand("""
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, township_code, source, created_at, updated_at)
            VALUES (@kind, '年报测试设施', ST_SetSRID(ST_MakePoint(110.4470, 34.8670), 4490), '{}', 'operational', '140881', '140881001', 'test', now(), now())
            RETURNING id
            """, connection, transaction);
        command.Parameters.AddWithValue("kind", kind);
        var id = (long)(await command.ExecuteScalarAsync())!;
        await transaction.CommitAsync();
        return id;
    }

    private static async Task<JsonObject> OkAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private static long Total(JsonObject figures) => figures["coverage"]!["parent"]!["facilities"]!["total"]!.GetValue<long>();

    private static JsonObject Publish(string note) => new() { ["note"] = note };

    [Fact]
    public async Task A_published_edition_stays_as_published_when_a_backdated_correction_arrives_and_a_newer_edition_shows_the_change()
    {
        var year = LastYear;
        await RampAsync(new DateTimeOffset(year, 3, 1, 0, 0, 0, Cst));
        // Built this year: never in last year's report, though in today's figures.
        await RampAsync(new DateTimeOffset(year + 1, 1, 2, 0, 0, 0, Cst));
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);
        using var anonymous = registry.CreateClient();

        var live = await OkAsync(await anonymous.GetAsync(FacilityApi.Url(Report(year))));
        Assert.Equal(1, Total(live));
        Assert.Equal($"{year}-12-31", live["asOf"]!.GetValue<string>());
        var today = await OkAsync(await anonymous.GetAsync(FacilityApi.Url($"/api/v1/coverage/{Yongji}")));
        Assert.Equal(2, today["facilities"]!["total"]!.GetValue<long>());

        var first = await OkAsync(await admin.PostAsJsonAsync(Report(year) + "/editions", Publish("正式发布"), ApiJson.Options), HttpStatusCode.Created);
        Assert.Equal(1, first["edition"]!.GetValue<int>());

        // A ramp built in June of that year, registered only now: a backdated correction.
        await RampAsync(new DateTimeOffset(year, 6, 1, 0, 0, 0, Cst), "accessible_toilet");

        var edition1 = await OkAsync(await anonymous.GetAsync(FacilityApi.Url(Report(year) + "/editions/1")));
        Assert.Equal(1, Total(edition1["figures"]!.AsObject()));
        Assert.Equal("正式发布", edition1["note"]!.GetValue<string>());
        Assert.Null(edition1["publishedBy"]); // staff names are for signed-in staff
        Assert.Equal(2, Total(await OkAsync(await anonymous.GetAsync(FacilityApi.Url(Report(year))))));
        // The live figures as the registry knew them when edition 1 was published are edition 1's.
        var knownThen = Uri.EscapeDataString(edition1["knownAt"]!.GetValue<DateTimeOffset>().ToString("O"));
        Assert.Equal(1, Total(await OkAsync(await anonymous.GetAsync(FacilityApi.Url(Report(year) + "?knownAt=" + knownThen)))));

        var second = await OkAsync(await admin.PostAsJsonAsync(Report(year) + "/editions", Publish("补录6月建成的无障碍厕所"), ApiJson.Options), HttpStatusCode.Created);
        Assert.Equal(2, second["edition"]!.GetValue<int>());
        Assert.Equal(2, Total((await OkAsync(await anonymous.GetAsync(FacilityApi.Url(Report(year) + "/editions/2"))))["figures"]!.AsObject()));
        Assert.Equal(1, Total((await OkAsync(await anonymous.GetAsync(FacilityApi.Url(Report(year) + "/editions/1"))))["figures"]!.AsObject()));

        var list = await OkAsync(await anonymous.GetAsync(FacilityApi.Url(Report(year) + "/editions")));
        Assert.Equal([1, 2], list["items"]!.AsArray().Select(e => e!["edition"]!.GetValue<int>()));

        var changes = await OkAsync(await anonymous.GetAsync(FacilityApi.Url(Report(year) + "/editions/2/changes?since=1")));
        var byPath = changes["changes"]!.AsArray().ToDictionary(c => c!["path"]!.GetValue<string>(), c => c!);
        Assert.Equal(1, byPath["coverage.parent.facilities.total"]["from"]!.GetValue<long>());
        Assert.Equal(2, byPath["coverage.parent.facilities.total"]["to"]!.GetValue<long>());
        Assert.Equal(2, byPath["coverage.children[140881001].facilities.total"]["to"]!.GetValue<long>());
        Assert.DoesNotContain(byPath.Keys, k => k.Contains("definition", StringComparison.Ordinal));
        // The default is the edition before.
        Assert.Equal(byPath.Count, (await OkAsync(await anonymous.GetAsync(FacilityApi.Url(Report(year) + "/editions/2/changes"))))["changes"]!.AsArray().Count);

        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'annual_report_edition' AND action = 'create'"));
    }

    [Fact]
    public async Task Only_the_districts_administrator_publishes_and_anyone_reads()
    {
        var path = Report(LastYear) + "/editions";
        using var anonymous = registry.CreateClient();
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        using var otherAdmin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "410307");
        using var systemAdmin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(path, Publish("x"), ApiJson.Options)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await planner.PostAsJsonAsync(path, Publish("x"), ApiJson.Options)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherAdmin.PostAsJsonAsync(path, Publish("x"), ApiJson.Options)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await systemAdmin.PostAsJsonAsync(path, Publish("x"), ApiJson.Options)).StatusCode);
        Assert.Empty((await OkAsync(await anonymous.GetAsync(FacilityApi.Url(path))))["items"]!.AsArray());

        await OkAsync(await admin.PostAsJsonAsync(path, Publish("正式发布"), ApiJson.Options), HttpStatusCode.Created);
        var items = (await OkAsync(await anonymous.GetAsync(FacilityApi.Url(path))))["items"]!.AsArray();
        Assert.Single(items);
        Assert.Null(items[0]!["publishedBy"]);
        Assert.NotNull((await OkAsync(await planner.GetAsync(FacilityApi.Url(path))))["items"]![0]!["publishedBy"]);

        // Frozen in the database: not even the service's own role changes or removes an edition.
        await using var connection = new NpgsqlConnection(registry.RuntimeConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[] { "UPDATE annual_report_editions SET note = 'x'", "DELETE FROM annual_report_editions" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        }
    }

    [Theory]
    [InlineData("140881", "{current}", "year")]
    [InlineData("140881", "1999", "year")]
    [InlineData("140881", "20x5", "year")]
    [InlineData("14088x", "{last}", "district")]
    public async Task A_bad_address_is_a_400_naming_the_field(string district, string year, string field)
    {
        var y = year.Replace("{current}", (LastYear + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{last}", LastYear.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);
        using var anonymous = registry.CreateClient();
        var path = $"/api/v1/annual-reports/{district}/{y}";
        foreach (var response in new[]
        {
            await admin.PostAsJsonAsync(path + "/editions", Publish("x"), ApiJson.Options),
            await anonymous.GetAsync(FacilityApi.Url(path)),
            await anonymous.GetAsync(FacilityApi.Url(path + "/editions")),
        })
        {
            var problem = await OkAsync(response, HttpStatusCode.BadRequest);
            Assert.NotNull(problem["errors"]![field]);
        }
    }

    [Fact]
    public async Task Other_bad_requests_name_their_field()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, Yongji);
        using var anonymous = registry.CreateClient();
        var path = Report(LastYear);
        Assert.NotNull((await OkAsync(await admin.PostAsJsonAsync(path + "/editions", Publish(" "), ApiJson.Options), HttpStatusCode.UnprocessableEntity))["errors"]!["note"]);
        Assert.NotNull((await OkAsync(await anonymous.GetAsync(FacilityApi.Url(path + "?asOf=2025-06-30")), HttpStatusCode.BadRequest))["errors"]!["asOf"]);
        Assert.NotNull((await OkAsync(await anonymous.GetAsync(FacilityApi.Url(path + "?knownAt=yesterday")), HttpStatusCode.BadRequest))["errors"]!["knownAt"]);
        Assert.NotNull((await OkAsync(await anonymous.GetAsync(FacilityApi.Url(path + "/editions/first")), HttpStatusCode.BadRequest))["errors"]!["edition"]);
        await OkAsync(await admin.PostAsJsonAsync(path + "/editions", Publish("正式发布"), ApiJson.Options), HttpStatusCode.Created);
        Assert.NotNull((await OkAsync(await anonymous.GetAsync(FacilityApi.Url(path + "/editions/1/changes")), HttpStatusCode.BadRequest))["errors"]!["since"]);
        Assert.NotNull((await OkAsync(await anonymous.GetAsync(FacilityApi.Url(path + "/editions/1/changes?since=x")), HttpStatusCode.BadRequest))["errors"]!["since"]);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(FacilityApi.Url(path + "/editions/2"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(FacilityApi.Url($"/api/v1/annual-reports/149999/{LastYear}"))).StatusCode);
    }

    [Fact]
    public async Task The_staff_page_publishes_with_a_note_without_script_and_lists_the_editions()
    {
        await AuthTestData.CreateUserAsync(registry, "yongji-admin", Roles.DistrictAdmin, Yongji);
        using var browser = new StaffBrowser(registry);
        Assert.True(await browser.SignInAsync("yongji-admin", AuthTestData.Password));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff/annual-reports")).StatusCode);
        var year = LastYear.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var empty = await browser.PostFormAsync("/staff/annual-reports", [new("Input.District", Yongji), new("Input.Year", year), new("Input.Note", "")]);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("error-summary", browser.LastHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"#Input_Note\"", browser.LastHtml, StringComparison.Ordinal);

        var done = await browser.PostFormAsync("/staff/annual-reports", [new("Input.District", Yongji), new("Input.Year", year), new("Input.Note", "正式发布")]);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal($"/staff/annual-reports?district={Yongji}&year={year}&edition=1", done.Headers.Location!.OriginalString);
        await browser.GetAsync(done.Headers.Location.OriginalString);
        Assert.Contains($"data-district=\"{Yongji}\" data-year=\"{year}\" data-edition=\"1\"", browser.LastHtml, StringComparison.Ordinal);
        Assert.Contains($"/annual-report.html?district={Yongji}&amp;year={year}&amp;edition=1", browser.LastHtml, StringComparison.Ordinal);

        using var planner = new StaffBrowser(registry);
        await AuthTestData.CreateUserAsync(registry, "yongji-planner", Roles.Planner, Yongji);
        Assert.True(await planner.SignInAsync("yongji-planner", AuthTestData.Password));
        var refused = await planner.GetAsync("/staff/annual-reports");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/staff/forbidden", refused.Headers.Location!.AbsolutePath);
    }
}
