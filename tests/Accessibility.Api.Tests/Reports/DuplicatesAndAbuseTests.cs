using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Accessibility.Api.Features.Auth;
using static Accessibility.Api.Tests.Facilities.FacilityApi;
using static Accessibility.Api.Tests.Reports.ReportApi;

namespace Accessibility.Api.Tests.Reports;

/// <summary>Duplicate linking, "me too", merge/unmerge, rate limits, honeypot, escaping.</summary>
[Collection(RegistryCollection.Name)]
public sealed class DuplicatesAndAbuseTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    // About 11 m north of Yongji, and about 110 m.
    private static readonly (double Lon, double Lat) Near = (Yongji.Lon, Yongji.Lat + 0.0001);
    private static readonly (double Lon, double Lat) Farther = (Yongji.Lon, Yongji.Lat + 0.001);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_report_within_30_m_of_an_open_one_of_its_category_is_linked_and_counted()
    {
        using var client = registry.CreateClientFromOwnAddress();
        var (first, firstAnswer) = await FileAsync(client, Form(Yongji));
        Assert.Null((string?)firstAnswer["duplicate_of"]);
        var (second, secondAnswer) = await FileAsync(client, Form(Near));
        Assert.Equal(Id(first), (string?)secondAnswer["duplicate_of"]);
        Assert.Contains(Id(first), (string?)secondAnswer["service_notice"], StringComparison.Ordinal);
        var (farther, fartherAnswer) = await FileAsync(client, Form(Farther));
        Assert.Null((string?)fartherAnswer["duplicate_of"]);
        var (_, otherKind) = await FileAsync(client, Form(Near, "tactile_paving"));
        Assert.Null((string?)otherKind["duplicate_of"]);

        var primary = await GetRequestAsync(client, first);
        Assert.Equal(1, (int)primary["duplicates"]!);
        Assert.Equal(Id(first), (string?)(await GetRequestAsync(client, second))["duplicate_of"]);

        // What the page shows before submitting: open reports of the category within 250 m.
        var nearby = JsonNode.Parse(await client.GetStringAsync(Url(FormattableString.Invariant(
            $"/open311/v2/requests.json?service_code=curb_ramp&status=open&lat={Yongji.Lat}&long={Yongji.Lon}&radius=250"))))!.AsArray();
        Assert.Equal([Id(farther), Id(second), Id(first)], nearby.Select(r => (string)r!["service_request_id"]!));

        // "Me too" on the duplicate counts for its primary.
        var meToo = await client.PostAsync(Url("/api/v1/reports/" + Id(second) + "/me-too"), null);
        Assert.Equal(HttpStatusCode.OK, meToo.StatusCode);
        var counted = await meToo.ReadObjectAsync();
        Assert.Equal(first, (long)counted["id"]!);
        Assert.Equal(1, (int)counted["meToo"]!);
        Assert.Equal(1, (int)(await GetRequestAsync(client, first))["me_too"]!);

        // Staff merge the farther one in, and take it out again.
        using var staff = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        using var outsider = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "410307");
        var forbidden = await outsider.PostAsync(Url("/api/v1/reports/" + Id(farther) + "/merge"), Json(new JsonObject { ["into"] = first }));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var merged = await staff.PostAsync(Url("/api/v1/reports/" + Id(farther) + "/merge"), Json(new JsonObject { ["into"] = second }));
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Equal(Id(first), (string?)(await merged.ReadObjectAsync())["duplicate_of"]); // to the primary, never a chain
        Assert.Equal(2, (int)(await GetRequestAsync(client, first))["duplicates"]!);
        var unmerged = await staff.PostAsync(Url("/api/v1/reports/" + Id(farther) + "/unmerge"), null);
        Assert.Equal(HttpStatusCode.OK, unmerged.StatusCode);
        Assert.Null((string?)(await unmerged.ReadObjectAsync())["duplicate_of"]);
        Assert.Equal(1, (int)(await GetRequestAsync(client, first))["duplicates"]!);
        Assert.Equal(HttpStatusCode.Conflict, (await staff.PostAsync(Url("/api/v1/reports/" + Id(farther) + "/unmerge"), null)).StatusCode);
    }

    [Fact]
    public async Task Per_ip_limit_answers_429_with_retry_after_and_signed_in_hotlines_are_not_limited()
    {
        using var client = registry.CreateClientFromOwnAddress();
        var bad = new Dictionary<string, string> { ["service_code"] = "teleporter" };
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await PostFormAsync(client, bad)).Status);
        }

        var (status, body, response) = await PostFormAsync(client, Form(Yongji));
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After: " + response.Headers.RetryAfter);
        AssertError(body, 429);
        var xml = await PostFormAsync(client, Form(Yongji), "xml");
        Assert.Equal("429", XDocument.Parse(xml.Body).Root!.Element("error")!.Element("code")!.Value);

        // A hotline system with a token (Bearer) files on callers' behalf without the anonymous limit.
        using var hotline = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        for (var i = 0; i < 3; i++)
        {
            await FileAsync(hotline, Form(Farther, "other", "12345 转来：坡道被占用"));
        }

        Assert.Equal(3, await registry.ScalarAsync<long>("SELECT count(*) FROM reports WHERE source = 'hotline' AND submitted_by_user_id IS NOT NULL"));
    }

    [Fact]
    public async Task Per_device_limit_and_honeypot()
    {
        using var client = registry.CreateClientFromOwnAddress();
        var bad = new Dictionary<string, string> { ["service_code"] = "teleporter", ["device_id"] = "phone-1" };
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await PostFormAsync(client, bad)).Status);
        }

        var form = Form(Yongji);
        form["device_id"] = "phone-1";
        var (status, _, response) = await PostFormAsync(client, form);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.NotNull(response.Headers.RetryAfter);
        form["device_id"] = "phone-2";
        await FileAsync(client, form);

        var bot = Form(Yongji);
        bot["website"] = "http://spam.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await PostFormAsync(client, bot)).Status);
        Assert.Equal(1, await registry.ScalarAsync<long>("SELECT count(*) FROM reports"));
    }

    [Fact]
    public async Task A_body_over_the_upload_limit_is_413_in_the_specification_format()
    {
        using var client = registry.CreateClientFromOwnAddress();
        // With Expect: 100-continue the client waits for the answer instead of sending 12 MB into a closing connection.
        client.DefaultRequestHeaders.ExpectContinue = true;
        using var content = new MultipartFormDataContent();
        foreach (var (k, v) in Form(Yongji))
        {
            content.Add(new StringContent(v), k);
        }

        content.Add(new ByteArrayContent(new byte[12 * 1024 * 1024]), "media", "big.jpg");
        var response = await client.PostAsync(Url("/open311/v2/requests.json"), content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        AssertError(await response.Content.ReadAsStringAsync(), 413);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM reports"));
    }

    [Fact]
    public async Task Script_in_a_description_is_data_in_every_format()
    {
        using var client = registry.CreateClientFromOwnAddress();
        const string script = "<script>alert('x')</script>&";
        var (id, _) = await FileAsync(client, Form(Yongji, description: script));
        var json = await client.GetStringAsync(Url("/open311/v2/requests/" + Id(id) + ".json"));
        Assert.DoesNotContain("<script>", json, StringComparison.Ordinal);
        Assert.Equal(script, (string?)JsonNode.Parse(json)![0]!["description"]);
        var xml = await client.GetStringAsync(Url("/open311/v2/requests/" + Id(id) + ".xml"));
        Assert.DoesNotContain("<script>", xml, StringComparison.Ordinal);
        Assert.Equal(script, XDocument.Parse(xml).Root!.Element("request")!.Element("description")!.Value);
        var tracking = await client.GetAsync(Url("/api/v1/reports/" + Id(id)));
        Assert.Equal("application/json", tracking.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("<script>", await tracking.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
