using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Tests.Reports;
using static Accessibility.Api.Tests.Projects.ProjectFixtures;

namespace Accessibility.Api.Tests.Projects;

/// <summary>
/// A problem at a construction site reported through the existing reports: the category 施工现场无障碍问题
/// (<c>construction_site</c>) with the optional attribute <c>project</c>, the number of the project, kept with the report.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ProjectReportTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static Dictionary<string, string> SiteForm(string? project)
    {
        var form = ReportApi.Form((110.4470, 34.8670), "construction_site", "施工围挡占用盲道，没有绕行通道");
        form["attribute[problem]"] = "no_detour";
        if (project is not null)
        {
            form["attribute[project]"] = project;
        }

        return form;
    }

    [Fact]
    public async Task A_report_at_a_construction_site_carries_the_project_it_names()
    {
        var project = await ProjectAsync(registry, "永济市第二实验小学", "new", "140881", "140881001", "construction", null, null, Day(2025, 3, 1));
        using var client = registry.CreateClientFromOwnAddress();
        var definition = JsonNode.Parse(await client.GetStringAsync(new Uri("/open311/v2/services/construction_site.json", UriKind.Relative)))!;
        Assert.Equal(["problem", "project"], definition["attributes"]!.AsArray().Select(a => (string)a!["code"]!).ToArray());

        var (id, _) = await ReportApi.FileAsync(client, SiteForm(project.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(project.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await registry.ScalarAsync<string>("SELECT attributes->>'project' FROM reports WHERE id = $1", id));
        Assert.Equal("施工现场无障碍问题 / Accessibility problem at a construction site", (string?)(await ReportApi.GetRequestAsync(client, id))["service_name"]);

        // Without a project (someone passing by): still a report of the category.
        var (other, _) = await ReportApi.FileAsync(client, SiteForm(null));
        Assert.Null(await registry.ScalarAsync<string>("SELECT attributes->>'project' FROM reports WHERE id = $1", other));
    }

    [Theory]
    [InlineData("999999")]
    [InlineData("abc")]
    public async Task A_report_naming_no_such_project_is_refused(string project)
    {
        using var client = registry.CreateClientFromOwnAddress();
        var (status, body, _) = await ReportApi.PostFormAsync(client, SiteForm(project));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("attribute[project]", ReportApi.AssertError(body, 400), StringComparison.Ordinal);
    }
}
