using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Auth;

namespace Accessibility.Api.Tests.Auth;

/// <summary>
/// Password guessing is slowed per client address and per user name, in ways that neither tell which names exist
/// nor let an attacker lock the real user out. Each client here connects from its own loopback address.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class SignInThrottlingTests(RegistryFixture registry) : IAsyncLifetime
{
    private static int nextAddress;

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A browser-like client (cookies kept) whose connections come from an address of its own in 127.1.0.0/16.</summary>
    private HttpClient BrowserFromOwnAddress()
    {
        var n = Interlocked.Increment(ref nextAddress);
        var local = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"127.1.{n / 250 % 250}.{n % 250 + 2}"));
        var handler = new SocketsHttpHandler
        {
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(handler) { BaseAddress = registry.BaseAddress };
    }

    /// <summary>What a client can tell from a sign-in answer: status, Retry-After given or not, and the problem without its trace id.</summary>
    private static async Task<string> AnswerAsync(HttpResponseMessage response)
    {
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return $"{(int)response.StatusCode} retry-after:{response.Headers.RetryAfter is not null} {body.ToJsonString()}";
    }

    [Fact]
    public async Task Known_and_unknown_names_get_the_same_answers_all_the_way_into_the_throttle()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var atKnown = BrowserFromOwnAddress();
        using var atUnknown = BrowserFromOwnAddress();

        var known = new List<string>();
        var unknown = new List<string>();
        for (var i = 0; i < SignInThrottling.FreeAccountFailures + 3; i++)
        {
            using var a = await AuthTestData.PostLoginAsync(atKnown, "li", "not the password");
            known.Add(await AnswerAsync(a));
            using var b = await AuthTestData.PostLoginAsync(atUnknown, "nobody", "not the password");
            unknown.Add(await AnswerAsync(b));
        }

        Assert.Equal(known, unknown);
        Assert.DoesNotContain(known, a => a.StartsWith("423", StringComparison.Ordinal));
        Assert.StartsWith("429 retry-after:True", known[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_attacker_is_throttled_but_the_user_still_signs_in_from_another_address()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var attacker = BrowserFromOwnAddress();
        for (var i = 0; i < SignInThrottling.FreeAccountFailures; i++)
        {
            using var failed = await AuthTestData.PostLoginAsync(attacker, "li", "guess " + i);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        // From here the attacker waits, growing delays, even with the right password.
        using var throttled = await AuthTestData.PostLoginAsync(attacker, "li", "guess 5");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        using var right = await AuthTestData.PostLoginAsync(attacker, "li", AuthTestData.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);

        using var user = BrowserFromOwnAddress();
        await AuthTestData.SignInAsync(user, "li");
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).StatusCode);
        Assert.True(await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE action = 'login-throttled'") >= 2);
    }

    [Fact]
    public async Task One_address_spraying_many_names_is_throttled_for_every_name()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var sprayer = BrowserFromOwnAddress();
        for (var i = 0; i < SignInThrottling.FreeAddressFailures; i++)
        {
            using var failed = await AuthTestData.PostLoginAsync(sprayer, "name" + i.ToString(CultureInfo.InvariantCulture), "password1");
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var next = await AuthTestData.PostLoginAsync(sprayer, "li", AuthTestData.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
        using var elsewhere = BrowserFromOwnAddress();
        await AuthTestData.SignInAsync(elsewhere, "li");
    }

    [Fact]
    public async Task An_administrator_lifts_the_throttle_on_a_name()
    {
        var li = await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        using var client = BrowserFromOwnAddress();
        for (var i = 0; i <= SignInThrottling.FreeAccountFailures; i++)
        {
            using var _ = await AuthTestData.PostLoginAsync(client, "li", "not the password");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await AuthTestData.PostLoginAsync(client, "li", AuthTestData.Password)).StatusCode);
        using var admin = await registry.CreateUserClientAsync(Roles.DistrictAdmin, "140800");
        var listed = await admin.GetFromJsonAsync<List<UserSummary>>(new Uri("/api/v1/users", UriKind.Relative));
        Assert.NotNull(listed!.Single(u => u.UserName == "li").LockedUntil);

        using var unlocked = await admin.PostAsync(new Uri($"/api/v1/users/{li.Id}/unlock", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.Null((await unlocked.Content.ReadFromJsonAsync<UserSummary>())!.LockedUntil);

        await AuthTestData.SignInAsync(client, "li");
    }
}
