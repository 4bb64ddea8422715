using System.Net;
using System.Net.Http.Json;
using Accessibility.Api.Features.Health;

namespace Accessibility.Api.Tests.Health;

[Collection(RegistryCollection.Name)]
public sealed class HealthEndpointsTests(RegistryFixture registry)
{
    [Fact]
    public async Task Readyz_reports_ready_once_migrations_are_applied()
    {
        using var client = registry.CreateClient();
        var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<HealthStatus>();
        Assert.Equal("ready", body?.Status);
    }

    [Fact]
    public async Task Healthz_answers_and_the_OpenAPI_document_is_served()
    {
        using var client = registry.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        var openApi = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Contains("\"/readyz\"", openApi, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_top_level_wwwroot_is_the_web_root_with_Leaflet_from_npm()
    {
        using var client = registry.CreateClient();
        var page = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("无障碍", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var leaflet = await client.GetAsync(new Uri("/lib/leaflet/leaflet.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, leaflet.StatusCode);
    }
}
