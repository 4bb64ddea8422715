using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Photos;
using Accessibility.Api.Tests.Renovations;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Hardening;

/// <summary>
/// The reproducible 500s of issue 11, each now a clear 4xx (or a success) naming the field at fault: NUL and lone
/// surrogates, 3D coordinates, out-of-range numbers, empty property names, races on first writes, and the
/// work an anonymous photo can cause.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class BadInputTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<string[]> ErrorFields(HttpResponseMessage response) => await response.ErrorFieldsAsync();

    [Theory]
    [InlineData("/api/v1/facilities?q=%00", "q")]
    [InlineData("/api/v1/districts?q=a%00b", "q")]
    [InlineData("/api/v1/facilities?status=%00", "status")]
    [InlineData("/api/v1/roads?roadClass=%01", "roadClass")]
    [InlineData("/api/v1/exports/facilities.geojson?kind=%00", "kind")]
    [InlineData("/ogc/collections/facilities/items?status=%00", "status")]
    public async Task A_control_character_in_a_query_or_route_value_is_400_naming_the_parameter(string url, string parameter)
    {
        using var anonymous = registry.CreateClient();
        using var response = await anonymous.GetAsync(Url(url));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(parameter, await ErrorFields(response));
    }

    [Fact]
    public async Task Nul_and_lone_surrogates_in_json_strings_are_400_naming_the_field_and_line_breaks_in_free_text_are_kept()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        var ramp = CurbRamp(Yongji).ToJsonString();

        using var nul = await admin.PostAsync(Url("/api/v1/facilities"), Json(ramp.Replace("\"name\":\"", "\"name\":\"a\\u0000", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Equal(["name"], await ErrorFields(nul));

        using var surrogate = await admin.PostAsync(Url("/api/v1/facilities"), Json(ramp.Replace("\"managingUnit\":\"", "\"managingUnit\":\"\\ud800", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, surrogate.StatusCode);
        Assert.Equal(["managingUnit"], await ErrorFields(surrogate));
        Assert.Contains("surrogate", await surrogate.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var inAttributes = await admin.PostAsync(Url("/api/v1/facilities"), Json(ramp.Replace("\"curb_ramp_type\":\"", "\"curb_ramp_type\":\"\\u0000", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.BadRequest, inAttributes.StatusCode);
        Assert.Equal(["attributes.curb_ramp_type"], await ErrorFields(inAttributes));

        using var token = await admin.PostAsJsonAsync(Url("/api/v1/auth/tokens"), new { name = "x\u0000" });
        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
        using var key = await admin.PostAsync(Url("/api/v1/api-keys"), Json("""{"department":"a\u0000","purpose":"p","districtCodes":["140881"],"layers":["facilities"]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, key.StatusCode);
        Assert.Contains("department", await ErrorFields(key));

        var body = CurbRamp(Yongji, "北门\t缘石坡道");
        body["managingUnit"] = "永济市\n住建局";
        using var free = await admin.PostAsync(Url("/api/v1/facilities"), Json(body));
        Assert.Equal(HttpStatusCode.Created, free.StatusCode);
    }

    [Fact]
    public async Task Three_dimensional_coordinates_are_accepted_and_the_height_dropped()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        var facility = CurbRamp(Yongji);
        facility["geometry"] = JsonNode.Parse("""{"type":"Point","coordinates":[110.447,34.867,500]}""");
        using var created = await admin.PostAsync(Url("/api/v1/facilities"), Json(facility));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var road = new JsonObject
        {
            ["name"] = "中山街",
            ["roadClass"] = "main",
            ["geometry"] = JsonNode.Parse("""{"type":"LineString","coordinates":[[110.44,34.867,400],[110.46,34.867,410]]}"""),
            ["sidewalkWidthM"] = 3.5,
            ["curbRampStart"] = true,
            ["curbRampEnd"] = false,
            ["tactilePaving"] = "continuous",
            ["surface"] = "paving_stones",
        };
        using var roadCreated = await admin.PostAsync(Url("/api/v1/roads"), Json(road));
        Assert.Equal(HttpStatusCode.Created, roadCreated.StatusCode);

        using var planner = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var household = RenovationApi.Body("140881", at, RenovationApi.IdNumber());
        household["location"]!["coordinates"]!.AsArray().Add(500);
        using var caseCreated = await planner.PostAsJsonAsync(Url("/api/v1/renovations/cases"), household);
        Assert.Equal(HttpStatusCode.Created, caseCreated.StatusCode);

        var geojson = """
            {"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[110.447,34.867,500]},
             "properties":{"fid":"z1","title":"厕所","type":"accessible_toilet","attrs":{"door_width_mm":850}}}]}
            """;
        using var imported = await ImportAsync(admin, geojson, "z.geojson");
        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());

        Assert.Equal(2, await registry.ScalarAsync<short>("SELECT max(ST_NDims(geometry))::int2 FROM facilities"));
        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT count(*) FROM facilities WHERE ST_NDims(geometry) = 2"));
        Assert.Equal(2, await registry.ScalarAsync<short>("SELECT ST_NDims(geometry)::int2 FROM road_segments"));
    }

    [Fact]
    public async Task An_import_row_with_nul_or_a_lone_surrogate_goes_to_the_rejection_report_naming_row_and_field()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        var geojson = """
            {"type":"FeatureCollection","features":[
             {"type":"Feature","geometry":{"type":"Point","coordinates":[110.447,34.867]},"properties":{"fid":"n1","title":"a\u0000b","type":"accessible_toilet","attrs":{"door_width_mm":850}}},
             {"type":"Feature","geometry":{"type":"Point","coordinates":[110.447,34.867]},"properties":{"fid":"n2","title":"\ud800","type":"accessible_toilet","attrs":{"door_width_mm":850}}},
             {"type":"Feature","geometry":{"type":"Point","coordinates":[110.447,34.867]},"properties":{"fid":"n3","title":"ok","type":"accessible_toilet","attrs":{"note":"\u0000"}}}]}
            """;
        using var response = await ImportAsync(admin, geojson, "n.geojson");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, text);
        var rejected = JsonNode.Parse(text)!["rejected"]!.AsArray().Select(r => ((int)r!["row"]!, (string)r["field"]!)).ToList();
        Assert.Contains((1, "title"), rejected);
        Assert.Contains((2, "title"), rejected);
        Assert.Contains((3, "attrs"), rejected);
    }

    private async Task<HttpResponseMessage> ImportAsync(HttpClient client, string geojson, string fileName)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(geojson));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/geo+json");
        form.Add(file, "file", fileName);
        form.Add(new StringContent("""{ "format": "geojson", "crs": "WGS84", "externalId": "fid", "name": "title", "kind": "type", "attributesJson": "attrs" }""", Encoding.UTF8, "application/json"), "mapping", "mapping.json");
        form.Add(new StringContent("hardening"), "source");
        return await client.PostAsync(Url("/api/v1/imports/facilities"), form);
    }

    [Fact]
    public async Task A_budget_beyond_the_column_and_boundaries_with_empty_property_names_are_refused_naming_the_field()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        using var huge = await admin.PutAsync(Url("/api/v1/renovations/budgets/140881/2026"), Json("""{"allocated": 9223372036854775808}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, huge.StatusCode);
        Assert.Equal(["allocated"], await ErrorFields(huge));

        using var system = await registry.CreateUserClientAsync(Roles.SystemAdmin);
        using var empty = await system.PostAsync(Url("/api/v1/districts/boundaries?codeProperty=&nameProperty="), Json("""{"type":"FeatureCollection","features":[]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("codeProperty", await ErrorFields(empty));
    }

    [Fact]
    public async Task Concurrent_first_writes_succeed_or_conflict_and_never_fail()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        using var system = await registry.CreateUserClientAsync(Roles.SystemAdmin);

        var budgets = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            admin.PutAsync(Url("/api/v1/renovations/budgets/140881/2031"), Json("{\"allocated\": " + (1000 + i) + "}"))));
        Assert.All(budgets, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM renovation_budgets WHERE district_code = '140881' AND year = 2031"));

        var settings = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            admin.PutAsync(Url("/api/v1/renovations/settings/140881"), Json("{\"eligibleHouseholds\": " + (100 + i) + "}"))));
        Assert.All(settings, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var users = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            system.PostAsJsonAsync(Url("/api/v1/users"), new { userName = "same-name", password = "correct horse battery staple", role = Roles.Inspector, districtScopes = new[] { "140881" } })));
        Assert.Single(users, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(users.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.True(r.StatusCode == HttpStatusCode.Conflict, r.StatusCode + " " + r.Content.ReadAsStringAsync().Result));
        using (var again = await system.PostAsJsonAsync(Url("/api/v1/users"), new { userName = "Same-Name", password = "correct horse battery staple", role = Roles.Inspector, districtScopes = new[] { "140881" } }))
        {
            // A name taken earlier is the same conflict as one taken in the race, naming the field.
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("userName", await ErrorFields(again));
        }

        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM users WHERE user_name = 'same-name'"));

        foreach (var r in budgets.Concat(settings).Concat(users))
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task An_anonymous_40_megapixel_png_is_refused_naming_the_limit()
    {
        using var anonymous = Reports.ReportApi.CreateClientFromOwnAddress(registry);
        using var content = new MultipartFormDataContent();
        foreach (var (k, v) in Reports.ReportApi.Form(Yongji))
        {
            content.Add(new StringContent(v), k);
        }

        var image = new ByteArrayContent(TestImages.Png(8000, 5000));
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        content.Add(image, "media", "big.png");
        using var response = await anonymous.PostAsync(Url("/open311/v2/requests.json"), content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, text);
        Assert.Contains("16 megapixels", text, StringComparison.Ordinal);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM photos"));
    }

    [Fact]
    public async Task Concurrent_decodes_beyond_the_queue_are_503_with_retry_after_not_a_pile_up()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var png = TestImages.Png(5000, 4000);
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            inspector.PostAsync(Url("/api/v1/photos"), TestImages.Upload(png, "big.png", "image/png"))));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, r.StatusCode.ToString()));
        var busy = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(busy);
        Assert.All(busy, r => Assert.NotNull(r.Headers.RetryAfter));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }
}
