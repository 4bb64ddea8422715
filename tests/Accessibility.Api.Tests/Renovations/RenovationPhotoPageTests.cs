using System.Net;
using System.Net.Http.Headers;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Auth;
using Accessibility.Api.Tests.Photos;
using Accessibility.Api.Tests.Staff;

namespace Accessibility.Api.Tests.Renovations;

/// <summary>
/// The planner's photo page of a case (/staff/cases/{id}/photos), as a browser without script posts it: the photo goes
/// through the photo pipeline and onto the case, before or after the works; a form without a file says so at the field.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class RenovationPhotoPageTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_planner_adds_a_photo_after_the_works_through_the_page_and_a_missing_file_is_an_error_at_the_field()
    {
        using var api = await registry.CreateUserClientAsync(Roles.Planner, "140881");
        var at = await RenovationApi.InsideAsync(registry, "140881");
        var created = await RenovationApi.CreateAsync(api, RenovationApi.Body("140881", at, RenovationApi.IdNumber()));
        await AuthTestData.CreateUserAsync(registry, "wang", Roles.Planner, "140881");
        using var browser = new StaffBrowser(registry);
        Assert.True(await browser.SignInAsync("wang", AuthTestData.Password));

        using var page = await browser.GetAsync($"/staff/cases/{created.Id}/photos");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        using var empty = await browser.PostMultipartAsync($"/staff/cases/{created.Id}/photos", [new("Which", "after")], null);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("href=\"#Photo\"", browser.LastHtml, StringComparison.Ordinal);

        using var upload = await browser.PostMultipartAsync($"/staff/cases/{created.Id}/photos", [new("Which", "after")], ("ramp.jpg", TestImages.Jpeg(640, 480)));
        Assert.Equal(HttpStatusCode.Redirect, upload.StatusCode);
        Assert.Equal($"/staff/cases/{created.Id}?saved=1", upload.Headers.Location?.OriginalString);
        Assert.Equal(1L, await registry.ScalarAsync<long>($"SELECT cardinality(photos_after)::bigint FROM renovation_cases WHERE id = {created.Id}"));
        Assert.Equal(0L, await registry.ScalarAsync<long>($"SELECT coalesce(cardinality(photos_before), 0)::bigint FROM renovation_cases WHERE id = {created.Id}"));

        // A planner of another county cannot open the case's photos.
        await AuthTestData.CreateUserAsync(registry, "zhao", Roles.Planner, "410307");
        using var other = new StaffBrowser(registry);
        Assert.True(await other.SignInAsync("zhao", AuthTestData.Password));
        using var refused = await other.GetAsync($"/staff/cases/{created.Id}/photos");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }
}
