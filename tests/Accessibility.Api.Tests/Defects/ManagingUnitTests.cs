using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Photos;
using static Accessibility.Api.Tests.Facilities.FacilityApi;
using static Accessibility.Api.Tests.Inspections.InspectionApi;
using static Accessibility.Api.Tests.Reports.ReportApi;

namespace Accessibility.Api.Tests.Defects;

/// <summary>
/// A managing unit's account (the body that repairs): it marks fixed, with a note and a photo, only the defects assigned to
/// its own unit in its districts, and does nothing else of the staff's work.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ManagingUnitTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string Unit = "永济市市政工程公司";

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient client, string path, JsonObject body)
    {
        using var response = await client.PostAsync(Url(path), Json(body));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Two ramps of Yongji with a failed slope each: one defect assigned to <see cref="Unit"/>, one to another unit.</summary>
    private async Task<(long Ours, long Theirs)> TwoAssignedDefectsAsync(HttpClient staff)
    {
        var ids = new List<long>();
        foreach (var (unit, i) in new[] { Unit, "永济市公路段" }.Select((u, i) => (u, i)))
        {
            var ramp = await CreateRampAsync(staff, (Yongji.Lon + (i * 0.001), Yongji.Lat), "坡道" + i);
            var found = await SubmitAsync(staff, Inspection(ramp, RecentTime(), Answer("slope", "1:10")));
            var id = (long)found.Body["defects"]![0]!["id"]!;
            var (status, body) = await PostAsync(staff, "/api/v1/defects/" + id + "/assign", new JsonObject { ["managingUnit"] = unit });
            Assert.True(status == HttpStatusCode.OK, body);
            ids.Add(id);
        }

        return (ids[0], ids[1]);
    }

    [Fact]
    public async Task A_managing_unit_marks_its_own_defect_fixed_with_a_note_and_a_photo_stripped_of_exif()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var (ours, _) = await TwoAssignedDefectsAsync(admin);
        using var unit = await registry.CreateManagingUnitClientAsync(Unit, "140881");

        // Evidence is required of the unit: a note and a photo.
        var (noPhoto, noPhotoBody) = await PostAsync(unit, "/api/v1/defects/" + ours + "/fix", new JsonObject { ["note"] = "已重新浇筑坡道" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noPhoto);
        Assert.Contains("photoIds", noPhotoBody, StringComparison.Ordinal);

        var upload = TestImages.WithExifGps(TestImages.Jpeg(640, 480), orientation: 6);
        using var uploaded = await unit.PostAsync(Url("/api/v1/photos"), TestImages.Upload(upload, "repair.jpg", "image/jpeg"));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var photoId = (string)(await uploaded.ReadObjectAsync())["id"]!;
        var stored = (await registry.ScalarAsync<byte[]>("SELECT content FROM photos WHERE id = $1", Guid.Parse(photoId)))!;
        Assert.False(TestImages.Contains(stored, "Exif\0\0"u8), "Exif segment");

        var (status, body) = await PostAsync(unit, "/api/v1/defects/" + ours + "/fix",
            new JsonObject { ["note"] = "已重新浇筑坡道，坡度 1:12", ["photoIds"] = new JsonArray(photoId) });
        Assert.True(status == HttpStatusCode.OK, body);
        var defect = JsonNode.Parse(body)!;
        Assert.Equal("fixed", (string?)defect["status"]);
        var last = defect["history"]!.AsArray()[^1]!;
        Assert.Equal("已重新浇筑坡道，坡度 1:12", (string?)last["note"]);
        Assert.Equal(photoId, (string?)last["photoIds"]![0]);
        Assert.Equal(1, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE entity_type = 'defect' AND entity_id = $1 AND after->>'status' = 'fixed'", ours.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task A_managing_unit_may_not_touch_another_units_defect_nor_do_the_staffs_work()
    {
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var (ours, theirs) = await TwoAssignedDefectsAsync(admin);
        using var unit = await registry.CreateManagingUnitClientAsync(Unit, "140881");
        using var sameNameElsewhere = await registry.CreateManagingUnitClientAsync(Unit, "410307");
        using var uploaded = await unit.PostAsync(Url("/api/v1/photos"), TestImages.Upload(TestImages.Jpeg(64, 64), "repair.jpg", "image/jpeg"));
        var photo = (string)(await uploaded.ReadObjectAsync())["id"]!;
        var fix = new JsonObject { ["note"] = "修好了", ["photoIds"] = new JsonArray(photo) };

        // Another unit's defect, or its own unit's name in another district: 403, nothing changes.
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(unit, "/api/v1/defects/" + theirs + "/fix", fix)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(sameNameElsewhere, "/api/v1/defects/" + ours + "/fix", fix)).Status);
        // Only marking fixed: not assigning, rejecting, triaging reports or inspecting.
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(unit, "/api/v1/defects/" + ours + "/assign", new JsonObject { ["managingUnit"] = Unit })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(unit, "/api/v1/defects/" + ours + "/reject", new JsonObject { ["reason"] = "不归我们" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await unit.GetAsync(Url("/api/v1/reports"))).StatusCode);
        using var client = registry.CreateClientFromOwnAddress();
        var (report, _) = await FileAsync(client, Form(Yongji, "ramp", "坡道太陡"));
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(unit, "/api/v1/reports/" + report + "/reject", new JsonObject { ["reason"] = "x" })).Status);
        var ramp = await registry.ScalarAsync<long>("SELECT facility_id FROM defects WHERE id = $1", ours);
        Assert.Equal(HttpStatusCode.Forbidden, (await SubmitAsync(unit, Inspection(ramp, RecentTime(), Answer("slope", "1:12")))).Status);
        Assert.Equal("assigned", await registry.ScalarAsync<string>("SELECT status FROM defects WHERE id = $1", ours));
        Assert.Equal("assigned", await registry.ScalarAsync<string>("SELECT status FROM defects WHERE id = $1", theirs));

        // Its own: admitted; the district administrator may still fix any defect of the district.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(unit, "/api/v1/defects/" + ours + "/fix", fix)).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(admin, "/api/v1/defects/" + theirs + "/fix", new JsonObject { ["note"] = "现场已见修复" })).Status);
    }
}
