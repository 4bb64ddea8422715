using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Accessibility.Api.Tests.Photos;
using static Accessibility.Api.Tests.Facilities.FacilityApi;
using static Accessibility.Api.Tests.Reports.ReportApi;

namespace Accessibility.Api.Tests.Reports;

/// <summary>Open311 GeoReport v2 over HTTP against the real PostGIS: every endpoint, both formats, the spec's errors.</summary>
[Collection(RegistryCollection.Name)]
public sealed class Open311Tests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Services_definitions_and_discovery_in_json_and_xml()
    {
        using var client = registry.CreateClient();
        var services = JsonNode.Parse(await client.GetStringAsync(Url("/open311/v2/services.json")))!.AsArray();
        Assert.Equal(9, services.Count);
        var ramp = services.Single(s => (string?)s!["service_code"] == "curb_ramp")!;
        Assert.Equal("缘石坡道缺失或损坏 / Broken or missing curb ramp", (string?)ramp["service_name"]);
        Assert.True((bool)ramp["metadata"]!);
        Assert.Equal("realtime", (string?)ramp["type"]);

        var xml = XDocument.Parse(await client.GetStringAsync(Url("/open311/v2/services.xml")));
        Assert.Equal("services", xml.Root!.Name.LocalName);
        Assert.Equal(9, xml.Root.Elements("service").Count());
        Assert.Contains(xml.Root.Elements("service"), s => s.Element("service_name")!.Value.Contains("盲道", StringComparison.Ordinal));

        var definition = JsonNode.Parse(await client.GetStringAsync(Url("/open311/v2/services/elevator.json")))!.AsObject();
        Assert.Equal("elevator", (string?)definition["service_code"]);
        var attribute = definition["attributes"]![0]!;
        Assert.Equal("problem", (string?)attribute["code"]);
        Assert.Equal("singlevaluelist", (string?)attribute["datatype"]);
        Assert.True((bool)attribute["required"]!);
        Assert.Contains(attribute["values"]!.AsArray(), v => (string?)v!["key"] == "stopped");

        var definitionXml = XDocument.Parse(await client.GetStringAsync(Url("/open311/v2/services/elevator.xml")));
        Assert.Equal("stopped", definitionXml.Root!.Element("attributes")!.Element("attribute")!.Element("values")!.Element("value")!.Element("key")!.Value);

        var unknown = await client.GetAsync(Url("/open311/v2/services/teleporter.json"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        AssertError(await unknown.Content.ReadAsStringAsync(), 404);

        var discovery = JsonNode.Parse(await client.GetStringAsync(Url("/open311/v2/discovery.json")))!.AsObject();
        Assert.Equal("http://wiki.open311.org/GeoReport_v2", (string?)discovery["endpoints"]![0]!["specification"]);
        var discoveryXml = XDocument.Parse(await client.GetStringAsync(Url("/open311/v2/discovery.xml")));
        Assert.Equal(["text/xml", "application/json"], discoveryXml.Root!.Element("endpoints")!.Element("endpoint")!.Element("formats")!.Elements("format").Select(f => f.Value));
    }

    [Fact]
    public async Task A_filed_request_reads_back_in_both_formats_without_any_contact_data()
    {
        using var client = registry.CreateClientFromOwnAddress();
        var form = Form(Yongji, "tactile_paving", "盲道被电动车占用");
        form["email"] = "reporter@example.cn";
        form["phone"] = "13800138000";
        form["first_name"] = "小明";
        form["last_name"] = "王";
        form["device_id"] = "device-secret-42";
        form["account_id"] = "account-secret-7";
        var (id, answer) = await FileAsync(client, form);
        Assert.False(string.IsNullOrEmpty((string?)answer["reporter_key"]));

        var report = await GetRequestAsync(client, id);
        Assert.Equal("open", (string?)report["status"]);
        Assert.Equal("tactile_paving", (string?)report["service_code"]);
        Assert.Equal("盲道被电动车占用", (string?)report["description"]);
        Assert.StartsWith("永济市", (string?)report["agency_responsible"], StringComparison.Ordinal);
        Assert.Equal(Yongji.Lat, (double)report["lat"]!, 6);
        Assert.Equal(Yongji.Lon, (double)report["long"]!, 6);
        var requested = DateTimeOffset.Parse((string)report["requested_datetime"]!, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - requested).TotalMinutes) < 5);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$", (string)report["updated_datetime"]!);

        var idText = id.ToString(CultureInfo.InvariantCulture);
        var bodies = new[]
        {
            await client.GetStringAsync(Url("/open311/v2/requests/" + idText + ".json")),
            await client.GetStringAsync(Url("/open311/v2/requests/" + idText + ".xml")),
            await client.GetStringAsync(Url("/open311/v2/requests.json")),
            await client.GetStringAsync(Url("/open311/v2/requests.xml?service_code=tactile_paving&status=open")),
        };
        foreach (var body in bodies)
        {
            Assert.Contains(idText, body, StringComparison.Ordinal);
            foreach (var secret in new[] { "reporter@example.cn", "13800138000", "小明", "device-secret-42", "account-secret-7", "email", "phone", "device_id" })
            {
                Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
            }
        }

        var xml = XDocument.Parse(bodies[1]);
        var request = xml.Root!.Element("request")!;
        Assert.Equal("service_requests", xml.Root.Name.LocalName);
        Assert.Equal(idText, request.Element("service_request_id")!.Value);
        Assert.Equal("open", request.Element("status")!.Value);

        // Filters: by id list, by status, by category, by date.
        var byIds = JsonNode.Parse(await client.GetStringAsync(Url("/open311/v2/requests.json?service_request_id=" + idText + ",999999")))!.AsArray();
        Assert.Single(byIds);
        Assert.Empty(JsonNode.Parse(await client.GetStringAsync(Url("/open311/v2/requests.json?status=closed")))!.AsArray());
        Assert.Empty(JsonNode.Parse(await client.GetStringAsync(Url("/open311/v2/requests.json?service_code=elevator")))!.AsArray());
        var today = DateTimeOffset.UtcNow;
        var window = "start_date=" + Uri.EscapeDataString(today.AddDays(-1).ToString("O", CultureInfo.InvariantCulture))
            + "&end_date=" + Uri.EscapeDataString(today.AddDays(1).ToString("O", CultureInfo.InvariantCulture));
        Assert.Single(JsonNode.Parse(await client.GetStringAsync(Url("/open311/v2/requests.json?" + window)))!.AsArray());
        var old = "start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z";
        Assert.Empty(JsonNode.Parse(await client.GetStringAsync(Url("/open311/v2/requests.json?" + old)))!.AsArray());
    }

    [Fact]
    public async Task Errors_follow_the_specification_with_the_right_status()
    {
        using var client = registry.CreateClientFromOwnAddress();
        async Task<string> Refused(Dictionary<string, string> form, int code, string format = "json")
        {
            var (status, body, _) = await PostFormAsync(client, form, format);
            Assert.True((int)status == code, status + ": " + body);
            return format == "json" ? AssertError(body, code) : body;
        }

        var unknown = Form(Yongji);
        unknown["service_code"] = "teleporter";
        Assert.Contains("teleporter", await Refused(unknown, 400), StringComparison.Ordinal);

        var noAttribute = Form(Yongji, "elevator");
        noAttribute.Remove("attribute[problem]");
        Assert.Contains("attribute[problem]", await Refused(noAttribute, 400), StringComparison.Ordinal);

        var badAttribute = Form(Yongji, "elevator");
        badAttribute["attribute[problem]"] = "haunted";
        await Refused(badAttribute, 400);

        Assert.Contains("outside every registered district", await Refused(Form(Beijing), 400), StringComparison.Ordinal);

        var nowhere = Form(Yongji);
        nowhere.Remove("lat");
        nowhere.Remove("long");
        await Refused(nowhere, 400);

        await Refused(Form(Yongji, description: new string('长', 4001)), 400);

        var xml = XDocument.Parse(await Refused(Form(Beijing), 400, "xml"));
        Assert.Equal("errors", xml.Root!.Name.LocalName);
        Assert.Equal("400", xml.Root.Element("error")!.Element("code")!.Value);
        Assert.False(string.IsNullOrEmpty(xml.Root.Element("error")!.Element("description")!.Value));

        var json = await client.PostAsync(Url("/open311/v2/requests.json"), Json("{\"service_code\":\"curb_ramp\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        AssertError(await json.Content.ReadAsStringAsync(), 400);

        var missing = await client.GetAsync(Url("/open311/v2/requests/987654.json"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        AssertError(await missing.Content.ReadAsStringAsync(), 404);

        var tooLong = await client.GetAsync(Url("/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("90 days", AssertError(await tooLong.Content.ReadAsStringAsync(), 400), StringComparison.Ordinal);

        var badStatus = await client.GetAsync(Url("/open311/v2/requests.json?status=pending"));
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);

        var badKey = Form(Yongji);
        badKey["api_key"] = "acr_not-a-key";
        await Refused(badKey, 403);

        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM reports"));
    }

    [Fact]
    public async Task Media_is_content_checked_and_stored_without_exif()
    {
        using var client = registry.CreateClientFromOwnAddress();
        using var content = new MultipartFormDataContent();
        foreach (var (k, v) in Form(Yongji, "ramp"))
        {
            content.Add(new StringContent(v), k);
        }

        var image = new ByteArrayContent(TestImages.WithExifGps(TestImages.Jpeg(64, 48), 1));
        image.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        content.Add(image, "media", "ramp.jpg");
        var response = await client.PostAsync(Url("/open311/v2/requests.json"), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var id = long.Parse((string)JsonNode.Parse(body)![0]!["service_request_id"]!, CultureInfo.InvariantCulture);
        var media = (string)(await GetRequestAsync(client, id))["media_url"]!;
        Assert.Contains("/api/v1/photos/", media, StringComparison.Ordinal);
        var stored = await client.GetByteArrayAsync(new Uri(media));
        Assert.DoesNotContain("GPS", System.Text.Encoding.Latin1.GetString(stored), StringComparison.Ordinal);

        using var bad = new MultipartFormDataContent();
        foreach (var (k, v) in Form(Yongji, "ramp"))
        {
            bad.Add(new StringContent(v), k);
        }

        bad.Add(new ByteArrayContent("<script>alert(1)</script>"u8.ToArray()), "media", "x.jpg");
        var refused = await client.PostAsync(Url("/open311/v2/requests.json"), bad);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        AssertError(await refused.Content.ReadAsStringAsync(), 400);
    }
}
