using System.Diagnostics;
using System.Net;

namespace Accessibility.Api.Tests.Config;

/// <summary>
/// The map page arrives with its demo-data notice shown while demo facilities are loaded (so it is in its place at
/// the first paint and does not push the map down later), and hidden when there are none.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class MapPageDemoNoticeTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string Hidden = "<div id=\"demo-notice\" class=\"demo-notice\" role=\"status\" hidden>";
    private const string Shown = "<div id=\"demo-notice\" class=\"demo-notice\" role=\"status\">";

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => registry.ResetAsync();

    [Fact]
    public async Task The_notice_is_shown_in_the_page_itself_while_demo_facilities_are_loaded()
    {
        using var client = registry.CreateClient();
        var page = await PageAsync(client, "/", Hidden);
        Assert.DoesNotContain(Shown, page, StringComparison.Ordinal);

        await registry.ScalarAsync<object>(
            """
            INSERT INTO facilities (kind, name, geometry, attributes, status, district_code, source, external_id, created_at, updated_at)
            VALUES ('disability_service', '残疾人之家', ST_SetSRID(ST_MakePoint(117.26, 34.80), 4490), '{}', 'operational', '370403', 'demo', 'demo-notice-1', now(), now())
            """);
        foreach (var path in new[] { "/", "/index.html" })
        {
            page = await PageAsync(client, path, Shown);
            Assert.Contains("演示数据：本页面显示的设施为程序生成的模拟数据，不是真实登记", page, StringComparison.Ordinal);
            Assert.Contains("<span lang=\"en\">Demo data: facilities shown are generated, not real records</span>", page, StringComparison.Ordinal);
        }

        // The demo facilities deleted: the page without the notice again.
        await registry.ScalarAsync<object>("UPDATE facilities SET deleted_at = now() WHERE source = 'demo'");
        await PageAsync(client, "/", Hidden);
    }

    /// <summary>The page once it holds <paramref name="expected"/>: the service asks the database at most every few seconds.</summary>
    private static async Task<string> PageAsync(HttpClient client, string path, string expected)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            var page = await response.Content.ReadAsStringAsync();
            if (page.Contains(expected, StringComparison.Ordinal) || waited.Elapsed > TimeSpan.FromSeconds(15))
            {
                Assert.Contains(expected, page, StringComparison.Ordinal);
                return page;
            }

            await Task.Delay(250);
        }
    }
}
