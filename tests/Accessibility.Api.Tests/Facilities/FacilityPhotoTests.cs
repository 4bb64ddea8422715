using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Photos;
using static Accessibility.Api.Tests.Facilities.FacilityApi;

namespace Accessibility.Api.Tests.Facilities;

[Collection(RegistryCollection.Name)]
public sealed class FacilityPhotoTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_uploaded_photo_is_attached_once_listed_and_audited_on_the_facility()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var id = (long)(await (await inspector.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji)))).ReadObjectAsync())["id"]!;
        using var uploaded = await inspector.PostAsync(Url("/api/v1/photos"), TestImages.Upload(TestImages.WithExifGps(TestImages.Jpeg(64, 48), 1), "ramp.jpg"));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var photoId = (string)(await uploaded.ReadObjectAsync())["id"]!;

        var attach = new JsonObject { ["photoId"] = photoId };
        using var attached = await inspector.PostAsync(Url("/api/v1/facilities/" + id + "/photos"), Json(attach));
        Assert.Equal(HttpStatusCode.OK, attached.StatusCode);
        // Again: nothing changes, no second audit entry.
        using var again = await inspector.PostAsync(Url("/api/v1/facilities/" + id + "/photos"), Json(attach));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        using var anonymous = registry.CreateClient();
        var list = await (await anonymous.GetAsync(Url("/api/v1/facilities/" + id + "/photos"))).ReadObjectAsync();
        var photos = list["photos"]!.AsArray();
        Assert.Single(photos);
        Assert.Equal(photoId, (string?)photos[0]!["id"]);
        Assert.Equal("/api/v1/photos/" + photoId + "/thumbnail", (string?)photos[0]!["thumbnailUrl"]);

        Assert.Equal(1, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE entity_type = 'facility' AND entity_id = $1 AND action = 'update' AND after->'photos'->>0 = $2",
            id.ToString(System.Globalization.CultureInfo.InvariantCulture), photoId));
    }

    [Fact]
    public async Task Attaching_is_refused_for_an_unknown_photo_outside_the_district_and_to_anonymous()
    {
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var id = (long)(await (await inspector.PostAsync(Url("/api/v1/facilities"), Json(CurbRamp(Yongji)))).ReadObjectAsync())["id"]!;
        var path = Url("/api/v1/facilities/" + id + "/photos");

        using var unknown = await inspector.PostAsync(path, Json(new JsonObject { ["photoId"] = Guid.NewGuid().ToString() }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Contains("photoId", await unknown.ErrorFieldsAsync());

        using var missing = await inspector.PostAsync(path, Json(new JsonObject()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Contains("photoId", await missing.ErrorFieldsAsync());

        using var elsewhere = await registry.CreateUserClientAsync(Roles.Inspector, "410307");
        using var refused = await elsewhere.PostAsync(path, Json(new JsonObject { ["photoId"] = Guid.NewGuid().ToString() }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var anonymous = registry.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(path, Json(new JsonObject()))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await inspector.PostAsync(Url("/api/v1/facilities/999999/photos"), Json(new JsonObject()))).StatusCode);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM facility_photos"));
    }
}
