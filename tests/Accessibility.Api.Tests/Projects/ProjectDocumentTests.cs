using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Facilities;
using Accessibility.Api.Tests.Photos;
using static Accessibility.Api.Tests.Projects.ProjectApi;

namespace Accessibility.Api.Tests.Projects;

/// <summary>Project documents: an image loses its EXIF (GPS) like a photo; an acceptance entered late counts from its date.</summary>
[Collection(RegistryCollection.Name)]
public sealed class ProjectDocumentTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_site_photo_uploaded_as_a_document_is_stored_without_its_EXIF()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        var id = (long)(await CreateAsync(planner))["id"]!;
        var upload = TestImages.WithExifGps(TestImages.Jpeg(640, 480), orientation: 1);
        Assert.True(TestImages.Contains(upload, "Exif\0\0"u8));
        using var uploaded = await planner.PostAsync(FacilityApi.Url("/api/v1/projects/" + Id(id) + "/documents"), Document(upload, "现场照片.jpg", "现场照片"));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        Assert.Equal("image/jpeg", (string?)(await uploaded.ReadObjectAsync())["contentType"]);
        using var download = await planner.GetAsync(uploaded.Headers.Location);
        var stored = await download.Content.ReadAsByteArrayAsync();
        Assert.False(TestImages.Contains(stored, "Exif\0\0"u8), "Exif segment");
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Fact]
    public async Task An_acceptance_entered_late_counts_from_its_validFrom()
    {
        using var planner = await registry.CreateUserClientAsync(Roles.Planner, Yongji);
        var (id, ramp, entrance) = await AtAcceptanceAsync(planner);
        await CheckAsync(planner, id, ramp, RampAnswers());
        await CheckAsync(planner, id, entrance, EntranceAnswers());
        using (var future = await PostAsync(planner, id, "/accept", new JsonObject { ["validFrom"] = "2999-01-01" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, future.StatusCode);
            Assert.Equal(["validFrom"], await future.ErrorFieldsAsync());
        }

        // The stage moves of this test took effect today: an acceptance cannot be dated before them.
        using (var beforeState = await PostAsync(planner, id, "/accept", new JsonObject { ["validFrom"] = "2020-01-01" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, beforeState.StatusCode);
            Assert.Equal(["validFrom"], await beforeState.ErrorFieldsAsync());
        }

        var accepted = await StepAsync(planner, id, "/accept", new JsonObject());
        Assert.Equal("accepted", (string?)accepted["stage"]);
        Assert.Equal(1L, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT (f::construction_projects).* FROM construction_projects_as_of(now(), now()) f) x WHERE x.id = $1 AND x.stage = 'accepted'", id));
    }
}
