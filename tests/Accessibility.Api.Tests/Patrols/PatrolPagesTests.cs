using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Tests.Auth;
using Accessibility.Api.Tests.Photos;
using Accessibility.Api.Tests.Staff;
using static Accessibility.Api.Tests.Facilities.FacilityApi;
using static Accessibility.Api.Tests.Patrols.PatrolApi;

namespace Accessibility.Api.Tests.Patrols;

/// <summary>
/// The grid worker's patrol pages as a browser without script uses them: my grids → a grid's worklist → a facility's three
/// questions → back to the worklist with the facility marked and the defect named; another grid's pages are refused.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed partial class PatrolPagesTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [GeneratedRegex("name=\"Input.ClientId\" value=\"([0-9a-f-]+)\"")]
    private static partial Regex ClientId();

    [Fact]
    public async Task A_grid_worker_patrols_through_the_pages_without_script()
    {
        await AddGridsAsync(registry);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140881");
        var ramp = await CreateRampAsync(admin, InA, "北门缘石坡道");
        var other = await CreateRampAsync(admin, InB, "东门缘石坡道");
        var account = new JsonObject
        {
            ["userName"] = "wang-grid",
            ["password"] = AuthTestData.Password,
            ["role"] = Roles.GridWorker,
            ["gridCodes"] = new JsonArray(GridA),
        };
        using (var created = await admin.PostAsync(Url("/api/v1/users"), Json(account)))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var browser = new StaffBrowser(registry);
        Assert.True(await browser.SignInAsync("wang-grid", AuthTestData.Password));

        // The start page offers the patrols; my grids lists grid A only.
        using (var home = await browser.GetAsync("/staff"))
        {
            Assert.Contains("/staff/patrols", browser.LastHtml, StringComparison.Ordinal);
        }

        using (var grids = await browser.GetAsync("/staff/patrols"))
        {
            Assert.Equal(HttpStatusCode.OK, grids.StatusCode);
            Assert.Contains("/staff/patrols/grids/" + GridA, browser.LastHtml, StringComparison.Ordinal);
            Assert.DoesNotContain("/staff/patrols/grids/" + GridB, browser.LastHtml, StringComparison.Ordinal);
        }

        using (var foreign = await browser.GetAsync("/staff/patrols/grids/" + GridB))
        {
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        }

        using (var foreignForm = await browser.GetAsync("/staff/patrols/facilities/" + other + "/new"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, foreignForm.StatusCode);
        }

        using (var worklist = await browser.GetAsync("/staff/patrols/grids/" + GridA))
        {
            Assert.Equal(HttpStatusCode.OK, worklist.StatusCode);
            Assert.Contains("data-state=\"never\"", browser.LastHtml, StringComparison.Ordinal);
        }

        var form = "/staff/patrols/facilities/" + ramp + "/new";
        await browser.GetAsync(form);
        var clientId = ClientId().Match(browser.LastHtml).Groups[1].Value;

        // Unanswered: the form again with the error summary linked to the question.
        using (var unanswered = await browser.PostMultipartAsync(form, [new("Input.ClientId", clientId), new("Input.InUse", "true")], null))
        {
            Assert.Equal(HttpStatusCode.OK, unanswered.StatusCode);
            Assert.Contains("href=\"#Input_Obstructed\"", browser.LastHtml, StringComparison.Ordinal);
            Assert.Contains("href=\"#Input_Damaged\"", browser.LastHtml, StringComparison.Ordinal);
        }

        using var done = await browser.PostMultipartAsync(form,
            [new("Input.ClientId", clientId), new("Input.InUse", "true"), new("Input.Obstructed", "true"), new("Input.Damaged", "false"),
             new("Input.Note", "电动车占用坡道")],
            ("ramp.jpg", TestImages.Jpeg(64, 48)));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var location = done.Headers.Location!.OriginalString;
        Assert.StartsWith("/staff/patrols/grids/" + GridA + "?patrolled=" + ramp + "&defect=", location, StringComparison.Ordinal);

        using (var marked = await browser.GetAsync(location))
        {
            Assert.Contains("data-patrol-done", browser.LastHtml, StringComparison.Ordinal);
            Assert.Contains("data-patrol-defect", browser.LastHtml, StringComparison.Ordinal);
            Assert.Contains("data-state=\"patrolled\"", browser.LastHtml, StringComparison.Ordinal);
        }

        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM patrols WHERE obstructed AND cardinality(photo_ids) = 1 AND defect_id IS NOT NULL"));
    }
}
