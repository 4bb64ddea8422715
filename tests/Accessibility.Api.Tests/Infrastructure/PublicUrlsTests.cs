using System.Net;
using System.Text.Json.Nodes;
using Accessibility.Api.Tests.Ogc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Accessibility.Api.Tests.Infrastructure;

/// <summary>
/// Absolute links (facility paging, OGC API, Open311) never carry a Host header an attacker sent: hosts outside
/// <c>AllowedHosts</c> are refused, and with <c>Registry:PublicBaseUrl</c> links start with it whatever the Host.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class PublicUrlsTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly string[] Paths =
    [
        "/api/v1/facilities?limit=1",
        "/ogc",
        "/ogc/collections/facilities/items?limit=1",
        "/open311/v2/discovery.json",
    ];

    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await OgcTestData.SeedAsync(registry, 3);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path, string? host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Every href (and Open311's url) in a JSON answer.</summary>
    private static List<string> Links(string body)
    {
        var found = new List<string>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        if (key is "href" or "url" && value is JsonValue v && v.TryGetValue<string>(out var s))
                        {
                            found.Add(s);
                        }

                        Walk(value);
                    }

                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        Walk(item);
                    }

                    break;
            }
        }

        Walk(JsonNode.Parse(body));
        return found;
    }

    [Fact]
    public async Task A_foreign_host_header_is_refused_and_links_use_the_address_the_client_called()
    {
        using var client = registry.CreateClient();
        foreach (var path in Paths)
        {
            var (evil, evilBody) = await GetAsync(client, path, "evil.example");
            Assert.True(evil == HttpStatusCode.BadRequest, path + ": " + evil);
            Assert.DoesNotContain("evil.example", evilBody, StringComparison.Ordinal);

            var (status, body) = await GetAsync(client, path, null);
            Assert.Equal(HttpStatusCode.OK, status);
            var links = Links(body);
            Assert.NotEmpty(links);
            Assert.All(links, l => Assert.StartsWith(registry.BaseAddress.GetLeftPart(UriPartial.Authority) + "/", l, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task With_a_public_base_url_links_start_with_it_whatever_the_host()
    {
        await using var app = RegistryApp.Build([], builder =>
        {
            registry.ConfigureHost(builder);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Registry:PublicBaseUrl"] = "https://registry.example.gov.cn/acr/",
                ["AllowedHosts"] = "*",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address + "/") };

        foreach (var path in Paths)
        {
            var (status, body) = await GetAsync(client, path, "evil.example");
            Assert.True(status == HttpStatusCode.OK, path + ": " + status);
            var links = Links(body);
            Assert.NotEmpty(links);
            Assert.All(links, l => Assert.StartsWith("https://registry.example.gov.cn/acr/", l, StringComparison.Ordinal));
        }

        var next = Links((await GetAsync(client, "/api/v1/facilities?limit=1", "evil.example")).Body);
        Assert.Contains("https://registry.example.gov.cn/acr/api/v1/facilities?limit=1&offset=1", next);
        await app.StopAsync();
    }
}
