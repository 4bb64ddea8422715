using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Reports;

/// <summary>Filing and reading Open311 requests in tests.</summary>
internal static class ReportApi
{
    private static int nextAddress = Random.Shared.Next(2, 200);

    /// <summary>
    /// A client connecting from its own loopback address (127.0.x.y): the per-IP rate limit of anonymous
    /// reports then counts this test's requests only.
    /// </summary>
    public static HttpClient CreateClientFromOwnAddress(this RegistryFixture registry)
    {
        var n = Interlocked.Increment(ref nextAddress);
        var local = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"127.0.{n / 250 % 250}.{n % 250 + 2}"));
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = registry.BaseAddress };
    }

    /// <summary>A report form at <paramref name="at"/>.</summary>
    public static Dictionary<string, string> Form((double Lon, double Lat) at, string service = "curb_ramp", string description = "路口缘石坡道破损")
    {
        var form = new Dictionary<string, string>
        {
            ["service_code"] = service,
            ["lat"] = at.Lat.ToString("R", CultureInfo.InvariantCulture),
            ["long"] = at.Lon.ToString("R", CultureInfo.InvariantCulture),
            ["description"] = description,
        };
        if (service is not "other")
        {
            form["attribute[problem]"] = service switch
            {
                "curb_ramp" => "broken",
                "tactile_paving" => "parked_vehicle",
                "accessible_toilet" => "locked",
                "elevator" => "stopped",
                "accessible_parking" => "occupied",
                "ramp" => "too_steep",
                _ => "silent",
            };
        }

        return form;
    }

    /// <summary>Posts a form; returns the status and the body text.</summary>
    public static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostFormAsync(HttpClient client, Dictionary<string, string> form, string format = "json")
    {
        using var content = new FormUrlEncodedContent(form);
        var response = await client.PostAsync(Url("/open311/v2/requests." + format), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>Files a report and returns its tracking number and the whole answer.</summary>
    public static async Task<(long Id, JsonObject Answer)> FileAsync(HttpClient client, Dictionary<string, string> form)
    {
        var (status, body, _) = await PostFormAsync(client, form);
        Assert.True(status == HttpStatusCode.Created, status + ": " + body);
        var answer = JsonNode.Parse(body)!.AsArray().Single()!.AsObject();
        return (long.Parse((string)answer["service_request_id"]!, CultureInfo.InvariantCulture), answer);
    }

    /// <summary>GET requests/{id}.json as its one object.</summary>
    public static async Task<JsonObject> GetRequestAsync(HttpClient client, long id)
    {
        var response = await client.GetAsync(Url("/open311/v2/requests/" + id.ToString(CultureInfo.InvariantCulture) + ".json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsArray().Single()!.AsObject();
    }

    /// <summary>Asserts the body is the spec's JSON error list with <paramref name="code"/>, and returns the description.</summary>
    public static string AssertError(string body, int code)
    {
        var error = JsonNode.Parse(body)!.AsArray().Single()!.AsObject();
        Assert.Equal(code, (int)error["code"]!);
        return (string)error["description"]!;
    }
}
