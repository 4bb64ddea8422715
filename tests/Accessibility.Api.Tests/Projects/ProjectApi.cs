using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Accessibility.Api.Tests.Facilities;

namespace Accessibility.Api.Tests.Projects;

/// <summary>Requests of the construction-project API, for the tests.</summary>
internal static class ProjectApi
{
    public const string Yongji = "140881";

    /// <summary>A new building project's footprint around Yongji's centre.</summary>
    public static JsonObject Body(string name = "永济市残疾人综合服务中心", string type = "building") => new()
    {
        ["name"] = name,
        ["builder"] = "永济市城市建设投资有限公司",
        ["projectType"] = type,
        ["works"] = "new",
        ["geometry"] = new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = new JsonArray(new JsonArray(
                new JsonArray(110.4460, 34.8660), new JsonArray(110.4480, 34.8660), new JsonArray(110.4480, 34.8680),
                new JsonArray(110.4460, 34.8680), new JsonArray(110.4460, 34.8660))),
        },
        ["description"] = "新建服务中心，含无障碍出入口与轮椅坡道",
        ["plannedCompletion"] = "2027-06-30",
    };

    public static JsonObject Ramp(string name = "东侧轮椅坡道") => new()
    {
        ["kind"] = "ramp",
        ["name"] = name,
        ["geometry"] = FacilityApi.Point((110.4475, 34.8672)),
        ["attributes"] = new JsonObject { ["slope"] = 0.07, ["width_m"] = 1.5 },
    };

    public static JsonObject Entrance() => new()
    {
        ["kind"] = "accessible_entrance",
        ["name"] = "主出入口",
        ["geometry"] = FacilityApi.Point((110.4465, 34.8668)),
        ["attributes"] = new JsonObject { ["entrance_type"] = "level", ["door_type"] = "automatic" },
    };

    public static JsonObject Answer(string item, JsonNode? value) => new() { ["item"] = item, ["value"] = value };

    /// <summary>A ramp meeting every applicable item; <paramref name="slope"/> 0.1 (1:10) fails GB 55019 §2.3.</summary>
    public static JsonArray RampAnswers(double slope = 0.07, string? note = null) =>
    [
        new JsonObject { ["item"] = "slope", ["value"] = slope, ["note"] = note },
        Answer("rise", 0.6), Answer("landing_length", 1.6), Answer("handrail_height", 870),
    ];

    /// <summary>An entrance meeting every applicable item; two doors in series do not apply (one door).</summary>
    public static JsonArray EntranceAnswers() =>
    [
        Answer("step_free", true), Answer("door_width", 1000), Answer("threshold_height", 10), Answer("revolving_door", false),
        Answer("opening_force", 20), Answer("handle_height", 0.9), Answer("landing_depth", 1.6), Answer("entrance_slope", 0.03),
        new JsonObject { ["item"] = "doors_in_series", ["notApplicable"] = true, ["reason"] = "单道自动门，无连续两道门" },
    ];

    public static async Task<JsonObject> CreateAsync(HttpClient client, JsonObject? body = null)
    {
        using var response = await client.PostAsync(FacilityApi.Url("/api/v1/projects"), FacilityApi.Json(body ?? Body()));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadObjectAsync();
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, long id, string step, JsonNode body) =>
        client.PostAsync(FacilityApi.Url("/api/v1/projects/" + Id(id) + step), FacilityApi.Json(body));

    /// <summary>Posts and expects 2xx; the project view answered.</summary>
    public static async Task<JsonObject> StepAsync(HttpClient client, long id, string step, JsonNode body)
    {
        using var response = await PostAsync(client, id, step, body);
        Assert.True(response.IsSuccessStatusCode, step + ": " + (int)response.StatusCode + " " + await response.Content.ReadAsStringAsync());
        return await response.ReadObjectAsync();
    }

    public static async Task<long> AddAsync(HttpClient client, long id, JsonObject planned) =>
        (long)(await StepAsync(client, id, "/facilities", planned))["writtenId"]!;

    public static Task<JsonObject> MoveAsync(HttpClient client, long id, string stage) =>
        StepAsync(client, id, "/stage", new JsonObject { ["stage"] = stage });

    public static Task<JsonObject> CheckAsync(HttpClient client, long id, long planned, JsonArray answers) =>
        StepAsync(client, id, "/checks", new JsonObject { ["plannedFacilityId"] = planned, ["answers"] = answers });

    /// <summary>A project with a ramp and an entrance, through a passing design review, in stage acceptance.</summary>
    public static async Task<(long Project, long Ramp, long Entrance)> AtAcceptanceAsync(HttpClient planner)
    {
        var id = (long)(await CreateAsync(planner))["id"]!;
        var ramp = await AddAsync(planner, id, Ramp());
        var entrance = await AddAsync(planner, id, Entrance());
        await MoveAsync(planner, id, "design-review");
        await CheckAsync(planner, id, ramp, RampAnswers());
        await CheckAsync(planner, id, entrance, EntranceAnswers());
        await MoveAsync(planner, id, "construction");
        await MoveAsync(planner, id, "acceptance");
        return (id, ramp, entrance);
    }

    public static async Task<JsonObject> GetAsync(HttpClient client, long id)
    {
        using var response = await client.GetAsync(FacilityApi.Url("/api/v1/projects/" + Id(id)));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadObjectAsync();
    }

    public static MultipartFormDataContent Document(byte[] content, string fileName, string title)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        form.Add(new StringContent(title), "title");
        return form;
    }

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
