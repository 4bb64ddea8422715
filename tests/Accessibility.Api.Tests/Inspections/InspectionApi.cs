using System.Net;
using System.Text.Json.Nodes;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Inspections;

/// <summary>Helpers to create facilities and submit inspections over HTTP.</summary>
internal static class InspectionApi
{
    /// <summary>Creates a facility and returns its id.</summary>
    public static async Task<long> CreateFacilityAsync(HttpClient client, string kind, (double Lon, double Lat) at, JsonObject? attributes = null, string name = "测试设施")
    {
        var body = new JsonObject
        {
            ["kind"] = kind,
            ["name"] = name,
            ["geometry"] = Point(at),
            ["attributes"] = attributes ?? [],
            ["managingUnit"] = "永济市住房和城乡建设局",
        };
        var response = await client.PostAsync(Url("/api/v1/facilities"), Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (long)(await response.ReadObjectAsync())["id"]!;
    }

    /// <summary>A wheelchair ramp in Yongji.</summary>
    public static Task<long> CreateRampAsync(HttpClient client, (double Lon, double Lat)? at = null, string name = "北门轮椅坡道") =>
        CreateFacilityAsync(client, "ramp", at ?? Yongji, new JsonObject { ["slope"] = 0.08 }, name);

    /// <summary>An inspection body.</summary>
    public static JsonObject Inspection(long facilityId, DateTimeOffset inspectedAt, params JsonObject[] answers) => new()
    {
        ["clientId"] = Guid.NewGuid().ToString(),
        ["facilityId"] = facilityId,
        ["inspectedAt"] = inspectedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["answers"] = new JsonArray([.. answers]),
        ["note"] = "test",
        ["photoIds"] = new JsonArray(),
    };

    /// <summary>One answer.</summary>
    public static JsonObject Answer(string item, JsonNode? value, string? unit = null)
    {
        var answer = new JsonObject { ["item"] = item, ["value"] = value };
        if (unit is not null)
        {
            answer["unit"] = unit;
        }

        return answer;
    }

    /// <summary>Submits and returns the status and body.</summary>
    public static async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> SubmitAsync(HttpClient client, JsonObject body)
    {
        var response = await client.PostAsync(Url("/api/v1/inspections"), Json(body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject(), response);
    }

    /// <summary>A time a little in the past, whole seconds, so that round trips compare equal.</summary>
    public static DateTimeOffset RecentTime()
    {
        var ticks = DateTime.UtcNow.Ticks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddHours(-1);
    }

    public static async Task<JsonObject> GetObjectAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(Url(path));
        Assert.True(response.StatusCode == HttpStatusCode.OK, path + ": " + await response.Content.ReadAsStringAsync());
        return await response.ReadObjectAsync();
    }
}
