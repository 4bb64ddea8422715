using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Sharing;
using Microsoft.Extensions.DependencyInjection;
using static Accessibility.Api.Tests.Sharing.SharingTestData;

namespace Accessibility.Api.Tests.Sharing;

/// <summary>Issuing, listing, revoking API keys and reading their usage.</summary>
[Collection(RegistryCollection.Name)]
public sealed class ApiKeyEndpointsTests(RegistryFixture registry) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await SeedAsync(registry);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Uri Url(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task The_secret_is_shown_once_and_only_its_hash_is_stored()
    {
        using var admin = await registry.CreateUserClientAsync("system-admin");
        using var response = await admin.PostAsJsonAsync(Url("/api/v1/api-keys"),
            new { department = "永济市民政局", purpose = "残疾人服务大数据", districtCodes = new[] { Yongji }, layers = new[] { "facilities", "defects" }, expiresInDays = 90 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var secret = (string)created["secret"]!;
        var id = (long)created["key"]!["id"]!;
        Assert.StartsWith("acrk_", secret, StringComparison.Ordinal);
        Assert.True(secret.Length >= 40, secret);
        Assert.Equal(secret[..11], (string)created["key"]!["prefix"]!);
        Assert.Equal("/api/v1/api-keys/" + id, response.Headers.Location?.OriginalString);

        // Stored: the SHA-256 of the secret, never the secret; not in the audit entry either.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        Assert.Equal(hash, await registry.ScalarAsync<string>("SELECT key_hash FROM api_keys WHERE id = $1", id));
        Assert.Equal(0L, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM api_keys k WHERE strpos(row_to_json(k)::text, $1) > 0", secret));
        var audit = await registry.ScalarAsync<string>("SELECT after::text FROM audit_entries WHERE entity_type = 'api_key' AND action = 'create'");
        Assert.Contains("永济市民政局", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(hash, audit, StringComparison.Ordinal);

        // Listed and read again: never the secret.
        var list = await admin.GetStringAsync(Url("/api/v1/api-keys"));
        var one = await admin.GetStringAsync(Url("/api/v1/api-keys/" + id));
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, one, StringComparison.Ordinal);
        var key = JsonNode.Parse(one)!;
        Assert.Equal(["facilities", "defects"], key["layers"]!.AsArray().Select(l => (string)l!));
        Assert.True((bool)key["active"]!);
        Assert.NotNull(key["expiresAt"]);

        // And it works.
        using var client = KeyClient(registry, secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/api/v1/facilities"))).StatusCode);
    }

    [Fact]
    public async Task Bad_requests_name_the_field()
    {
        using var admin = await registry.CreateUserClientAsync("system-admin");
        using var response = await admin.PostAsJsonAsync(Url("/api/v1/api-keys"),
            new { department = "", districtCodes = new[] { "140881001", "999999" }, layers = new[] { "households" }, expiresInDays = 0 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        Assert.Equal(["department", "expiresInDays", "districtCodes", "layers"], errors.Select(e => e.Key));
        var districts = string.Join(" ", errors["districtCodes"]!.AsArray().Select(m => (string)m!));
        Assert.Contains("999999", districts, StringComparison.Ordinal);
        Assert.Contains("townships", districts, StringComparison.Ordinal);

        using var notJson = await admin.PostAsync(Url("/api/v1/api-keys"), new StringContent("{\"layers\": 3}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Contains("layers", await notJson.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM api_keys"));
    }

    [Fact]
    public async Task District_administrators_manage_keys_of_their_districts_only_and_others_none()
    {
        using var system = await registry.CreateUserClientAsync("system-admin");
        var (yanshiKey, _) = await CreateKeyAsync(system, [Yanshi], ["facilities"]);
        using var admin = await registry.CreateUserClientAsync("district-admin", Yongji);

        var (ownKey, _) = await CreateKeyAsync(admin, [Yongji], ["inspections", "defects"]);
        using var outside = await admin.PostAsJsonAsync(Url("/api/v1/api-keys"),
            new { department = "市民政局", districtCodes = new[] { "140800" }, layers = new[] { "facilities" } });
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);

        var listed = JsonNode.Parse(await admin.GetStringAsync(Url("/api/v1/api-keys")))!.AsArray().Select(k => (long)k!["id"]!).ToList();
        Assert.Equal([ownKey], listed);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(Url("/api/v1/api-keys/" + yanshiKey))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(Url("/api/v1/api-keys/" + yanshiKey))).StatusCode);
        Assert.Null(await registry.ScalarAsync<DateTimeOffset?>("SELECT revoked_at FROM api_keys WHERE id = $1", yanshiKey));

        using var inspector = await registry.CreateUserClientAsync("inspector", Yongji);
        Assert.Equal(HttpStatusCode.Forbidden, (await inspector.GetAsync(Url("/api/v1/api-keys"))).StatusCode);
        using var anonymous = registry.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Url("/api/v1/api-keys"))).StatusCode);
        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT count(*) FROM api_keys"));
    }

    [Fact]
    public async Task A_revoked_or_expired_key_is_401_even_on_public_routes_and_revoking_is_audited()
    {
        using var admin = await registry.CreateUserClientAsync("system-admin");
        var (revoked, revokedSecret) = await CreateKeyAsync(admin, [Yongji], ["facilities"]);
        var (expired, expiredSecret) = await CreateKeyAsync(admin, [Yongji], ["facilities"], expiresInDays: 1);
        using var revokedClient = KeyClient(registry, revokedSecret);
        using var expiredClient = KeyClient(registry, expiredSecret);
        Assert.Equal(HttpStatusCode.OK, (await revokedClient.GetAsync(Url("/api/v1/facilities"))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url("/api/v1/api-keys/" + revoked))).StatusCode);
        await registry.ScalarAsync<int>("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", expired);

        foreach (var client in new[] { revokedClient, expiredClient })
        {
            using var response = await client.GetAsync(Url("/api/v1/facilities"));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("ApiKey", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            // A public route too: a department should notice its key stopped working, not get anonymous data.
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(Url("/api/v1/districts/140881"))).StatusCode);
        }

        using var unknown = KeyClient(registry, "acrk_not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await unknown.GetAsync(Url("/ogc/collections"))).StatusCode);
        using var empty = registry.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await empty.GetAsync(Url("/api/v1/facilities?api-key="))).StatusCode);

        var key = JsonNode.Parse(await admin.GetStringAsync(Url("/api/v1/api-keys/" + revoked)))!;
        Assert.False((bool)key["active"]!);
        Assert.NotNull(key["revokedAt"]);
        Assert.False((bool)JsonNode.Parse(await admin.GetStringAsync(Url("/api/v1/api-keys/" + expired)))!["active"]!);
        Assert.Equal(1L, await registry.ScalarAsync<long>(
            "SELECT count(*) FROM audit_entries WHERE entity_type = 'api_key' AND action = 'revoke' AND entity_id = $1 AND after->>'revokedAt' IS NOT NULL",
            revoked.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        // Revoking again changes nothing and writes nothing.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url("/api/v1/api-keys/" + revoked))).StatusCode);
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'api_key' AND action = 'revoke'"));
    }

    [Fact]
    public async Task Usage_counts_every_admitted_request_per_day_layer_and_route_and_not_refused_ones()
    {
        using var admin = await registry.CreateUserClientAsync("system-admin");
        var (id, secret) = await CreateKeyAsync(admin, [Yongji], ["facilities", "defects", "public-reports"]);
        using var client = KeyClient(registry, secret);
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/api/v1/facilities?limit=2"))).StatusCode);
        }

        var yongji = await registry.ScalarAsync<long[]>("SELECT array_agg(id ORDER BY id) FROM facilities WHERE district_code = $1", Yongji);
        foreach (var facility in yongji!.Take(3))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/api/v1/facilities/" + facility))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/ogc/collections/open-defects/items"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/ogc/collections/public-reports/items?limit=2"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/api/v1/districts/140881"))).StatusCode);
        // Refused: not counted.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Url("/api/v1/roads"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(Url("/api/v1/facilities?district=" + Yanshi))).StatusCode);

        var usage = JsonNode.Parse(await admin.GetStringAsync(Url("/api/v1/api-keys/" + id + "/usage")))!;
        Assert.Equal(13L, (long)usage["total"]!);
        var byLayer = usage["byLayer"]!.AsObject().ToDictionary(p => p.Key, p => (long)p.Value!);
        Assert.Equal(new Dictionary<string, long> { ["defects"] = 1, ["facilities"] = 10, ["public-reports"] = 1, ["reference"] = 1 }, byLayer);
        var days = usage["days"]!.AsArray();
        var today = ApiKeyUsageRecorder.Day(DateTimeOffset.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(days, d => Assert.Equal(today, (string)d!["day"]!));
        long Route(string route) => days.Where(d => (string)d!["route"]! == route).Sum(d => (long)d!["requests"]!);
        Assert.Equal(7L, Route("/api/v1/facilities/"));
        Assert.Equal(3L, Route("/api/v1/facilities/{id:long}"));
        Assert.Equal(2L, Route("/ogc/collections/{collectionId}/items"));

        var key = JsonNode.Parse(await admin.GetStringAsync(Url("/api/v1/api-keys/" + id)))!;
        Assert.Equal(13L, (long)key["requestsLast30Days"]!);
        Assert.True(DateTimeOffset.UtcNow - (DateTimeOffset)key["lastUsedAt"]! < TimeSpan.FromMinutes(1));

        // More requests add to the same rows.
        await client.GetAsync(Url("/api/v1/facilities?limit=2"));
        usage = JsonNode.Parse(await admin.GetStringAsync(Url("/api/v1/api-keys/" + id + "/usage?from=" + today + "&to=" + today)))!;
        Assert.Equal(14L, (long)usage["total"]!);
        Assert.Equal(8L, await registry.ScalarAsync<long>("SELECT requests FROM api_key_usage WHERE route = '/api/v1/facilities/'"));
        // Another period holds none; a bad or too long one is a 400 naming the parameter.
        usage = JsonNode.Parse(await admin.GetStringAsync(Url("/api/v1/api-keys/" + id + "/usage?from=2020-01-01&to=2020-12-31")))!;
        Assert.Equal(0L, (long)usage["total"]!);
        foreach (var query in new[] { "from=2026-13-01", "from=2020-01-01&to=2022-01-01", "to=yesterday" })
        {
            using var bad = await admin.GetAsync(Url("/api/v1/api-keys/" + id + "/usage?" + query));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains(query.Contains("to=y", StringComparison.Ordinal) ? "\"to\"" : "\"from\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Counts_made_while_the_database_is_written_are_not_lost()
    {
        using var admin = await registry.CreateUserClientAsync("system-admin");
        var (id, _) = await CreateKeyAsync(admin, [Yongji], ["facilities"]);
        var recorder = registry.Services.GetRequiredService<ApiKeyUsageRecorder>();
        // Many threads count while flushes run: every count ends up in the table exactly once.
        var counting = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 5000; i++)
            {
                recorder.Record(id, "facilities", "/test");
            }
        })).ToArray();
        var flushing = Task.Run(async () =>
        {
            while (!counting.All(t => t.IsCompleted))
            {
                await recorder.FlushAsync();
            }
        });
        await Task.WhenAll(counting);
        await flushing;
        await recorder.FlushAsync();
        Assert.Equal(40000L, await registry.ScalarAsync<long>("SELECT sum(requests)::bigint FROM api_key_usage WHERE api_key_id = $1", id));
    }
}
