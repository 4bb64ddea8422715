using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Tests.Facilities;

namespace Accessibility.Api.Tests.Patrols;

/// <summary>Grids, facilities and patrols for the patrol tests, written through the API (grids in SQL: another feature draws them).</summary>
internal static class PatrolApi
{
    /// <summary>A grid of 城西街道 (140881001) around Yongji's centre, <see cref="FacilityApi.Yongji"/>.</summary>
    public const string GridA = "140881001001";

    /// <summary>A second grid of the same township, to the east, around <see cref="FacilityApi.YongjiEast"/>.</summary>
    public const string GridB = "140881001002";

    /// <summary>A grid of another township (140881002), to the north-west.</summary>
    public const string GridC = "140881002001";

    /// <summary>Inside grid A.</summary>
    public static readonly (double Lon, double Lat) InA = FacilityApi.Yongji;

    /// <summary>Inside grid B.</summary>
    public static readonly (double Lon, double Lat) InB = FacilityApi.YongjiEast;

    /// <summary>Inside grid C.</summary>
    public static readonly (double Lon, double Lat) InC = (110.428, 34.884);

    /// <summary>In Yongji, between the grids: in none.</summary>
    public static readonly (double Lon, double Lat) InNone = (110.460, 34.862);

    /// <summary>Draws grid <paramref name="code"/> as a box, with its patrol interval.</summary>
    public static Task AddGridAsync(RegistryFixture registry, string code, double west, double south, double east, double north, int intervalDays = 30) =>
        registry.ScalarAsync<int>(
            """
            INSERT INTO community_grids (code, name, township_code, county_code, boundary, patrol_interval_days, source)
            VALUES ($1, '测试网格' || right($1, 3), left($1, 9), left($1, 6), ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4490)), $6, 'test')
            RETURNING 1
            """, code, west, south, east, north, intervalDays);

    /// <summary>Grids A and B (township 140881001) and C (township 140881002), with their intervals.</summary>
    public static async Task AddGridsAsync(RegistryFixture registry, int intervalA = 30, int intervalB = 30, int intervalC = 30)
    {
        await AddGridAsync(registry, GridA, 110.440, 34.860, 110.455, 34.875, intervalA);
        await AddGridAsync(registry, GridB, 110.465, 34.865, 110.475, 34.875, intervalB);
        await AddGridAsync(registry, GridC, 110.420, 34.880, 110.435, 34.890, intervalC);
    }

    /// <summary>Creates a curb ramp at <paramref name="at"/>; returns its id.</summary>
    public static async Task<long> CreateRampAsync(HttpClient admin, (double Lon, double Lat) at, string name = "北门缘石坡道")
    {
        using var created = await admin.PostAsync(FacilityApi.Url("/api/v1/facilities"), FacilityApi.Json(FacilityApi.CurbRamp(at, name)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (long)(await created.ReadObjectAsync())["id"]!;
    }

    /// <summary>A patrol body.</summary>
    public static JsonObject Patrol(long facility, bool inUse = true, bool obstructed = false, bool damaged = false, Guid? clientId = null,
        DateTimeOffset? at = null, string? note = null) => new()
        {
            ["clientId"] = (clientId ?? Guid.NewGuid()).ToString(),
            ["facilityId"] = facility,
            ["inUse"] = inUse,
            ["obstructed"] = obstructed,
            ["damaged"] = damaged,
            ["note"] = note,
            ["patrolledAt"] = at?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };

    /// <summary>Posts a patrol.</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient client, JsonObject body) =>
        client.PostAsync(FacilityApi.Url("/api/v1/patrols"), FacilityApi.Json(body));

    /// <summary>Posts a patrol that must be stored (201); returns it.</summary>
    public static async Task<JsonObject> RecordAsync(HttpClient client, JsonObject body)
    {
        using var response = await PostAsync(client, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadObjectAsync();
    }
}
