using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Accessibility.Api.Tests.Facilities;

/// <summary>Places in the loaded districts, and small helpers to talk to the facility API.</summary>
internal static class FacilityApi
{
    /// <summary>Inside 永济市 (140881), near the city centre.</summary>
    public static readonly (double Lon, double Lat) Yongji = (110.4470, 34.8670);

    /// <summary>Another point in Yongji, about 2 km east.</summary>
    public static readonly (double Lon, double Lat) YongjiEast = (110.4700, 34.8700);

    /// <summary>Inside 偃师区 (410307), Luoyang.</summary>
    public static readonly (double Lon, double Lat) Yanshi = (112.7900, 34.7270);

    /// <summary>Beijing: no district there is registered.</summary>
    public static readonly (double Lon, double Lat) Beijing = (116.4040, 39.9150);

    public static Uri Url(string path) => new(path, UriKind.Relative);

    public static JsonObject Point((double Lon, double Lat) p) => new()
    {
        ["type"] = "Point",
        ["coordinates"] = new JsonArray(p.Lon, p.Lat),
    };

    public static JsonObject Line(params (double Lon, double Lat)[] points)
    {
        var coordinates = new JsonArray();
        foreach (var p in points)
        {
            coordinates.Add(new JsonArray(p.Lon, p.Lat));
        }

        return new JsonObject { ["type"] = "LineString", ["coordinates"] = coordinates };
    }

    /// <summary>A valid curb ramp at <paramref name="at"/>.</summary>
    public static JsonObject CurbRamp((double Lon, double Lat) at, string name = "北门缘石坡道") => new()
    {
        ["kind"] = "curb_ramp",
        ["name"] = name,
        ["geometry"] = Point(at),
        ["attributes"] = new JsonObject { ["curb_ramp_type"] = "full_width", ["slope"] = 0.08, ["lip_height_mm"] = 10 },
        ["status"] = "operational",
        ["managingUnit"] = "永济市住房和城乡建设局",
    };

    public static StringContent Json(JsonNode body) => Json(body.ToJsonString());

    public static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public static async Task<HttpResponseMessage> PutAsync(this HttpClient client, string path, JsonNode body, long? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Url(path)) { Content = Json(body) };
        if (ifMatch is { } v)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"" + v.ToString(CultureInfo.InvariantCulture) + "\""));
        }

        return await client.SendAsync(request);
    }

    /// <summary>The field names of a validation problem's <c>errors</c>.</summary>
    public static async Task<string[]> ErrorFieldsAsync(this HttpResponseMessage response)
    {
        var body = await response.ReadObjectAsync();
        return body["errors"] is JsonObject errors ? errors.Select(e => e.Key).ToArray() : [];
    }
}
