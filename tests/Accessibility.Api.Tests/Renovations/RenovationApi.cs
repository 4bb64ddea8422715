using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Renovations;

namespace Accessibility.Api.Tests.Renovations;

/// <summary>Arranging renovation cases over HTTP: valid ID numbers, points inside districts, request bodies.</summary>
internal static class RenovationApi
{
    /// <summary>A GB 11643 number with a correct check character.</summary>
    public static string IdNumber(string district = "140881", string birth = "19500101", int sequence = 901) =>
        ChineseIdNumber.WithCheck(district + birth + sequence.ToString("000", CultureInfo.InvariantCulture));

    /// <summary>A point inside a district (its ST_PointOnSurface), as [lon, lat].</summary>
    public static async Task<double[]> InsideAsync(RegistryFixture registry, string district)
    {
        var wkt = await registry.ScalarAsync<string>("SELECT ST_AsText(ST_PointOnSurface(boundary)) FROM districts WHERE code = $1", district);
        var parts = wkt!.Replace("POINT(", "", StringComparison.Ordinal).TrimEnd(')').Split(' ');
        return [double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture)];
    }

    public static JsonObject Body(string district, double[] at, string idNumber, string phone = "13812345678", string name = "测试王某", int grade = 1) => new()
    {
        ["districtCode"] = district,
        ["personName"] = name,
        ["idNumber"] = idNumber,
        ["phone"] = phone,
        ["disabilityCategory"] = "physical",
        ["disabilityGrade"] = grade,
        ["mobilityAids"] = new JsonArray("wheelchair"),
        ["eligibility"] = "dibao",
        ["livesAlone"] = true,
        ["address"] = "测试地址1号",
        ["crs"] = "CGCS2000",
        ["location"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(at[0], at[1]) },
        ["barriers"] = new JsonArray("entrance_steps", "bathroom"),
        ["costEstimate"] = 5000,
    };

    public static async Task<RenovationCaseDetail> CreateAsync(HttpClient client, JsonObject body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/renovations/cases", body, ApiJson.Options);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, text);
        return (await response.Content.ReadFromJsonAsync<RenovationCaseDetail>(ApiJson.Options))!;
    }

    public static Task<HttpResponseMessage> StepAsync(HttpClient client, long id, string to, object? extra = null)
    {
        var body = extra is null ? new JsonObject() : System.Text.Json.JsonSerializer.SerializeToNode(extra, ApiJson.Options)!.AsObject();
        body["to"] = to;
        return client.PostAsJsonAsync(FormattableString.Invariant($"/api/v1/renovations/cases/{id}/transitions"), body, ApiJson.Options);
    }
}
