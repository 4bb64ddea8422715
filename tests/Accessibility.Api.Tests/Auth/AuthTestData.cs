using System.Net.Http.Json;
using Accessibility.Api.Features.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Accessibility.Api.Tests.Auth;

/// <summary>Arranging accounts and signing in for the auth tests.</summary>
internal static class AuthTestData
{
    public const string Password = "correct horse battery staple";

    /// <summary>
    /// Yongji (140881) and Yanshi (410307) with their parents.
    /// TEMPORARY until main loads the real districts into the fixture: remove then. ON CONFLICT DO NOTHING
    /// so it never clashes with the real rows.
    /// </summary>
    public static async Task EnsureDistrictsAsync(RegistryFixture registry)
    {
        await registry.ScalarAsync<object>("""
            INSERT INTO districts (code, name, level, parent_code, boundary_approximate) VALUES
              ('14', '山西省', 1, NULL, false), ('1408', '运城市', 2, '14', false), ('140881', '永济市', 3, '1408', false),
              ('41', '河南省', 1, NULL, false), ('4103', '洛阳市', 2, '41', false), ('410307', '偃师区', 3, '4103', false)
            ON CONFLICT DO NOTHING
            """);
    }

    /// <summary>Creates an account with <see cref="Password"/>.</summary>
    public static async Task<UserAccount> CreateUserAsync(RegistryFixture registry, string name, string role, params string[] districts)
    {
        await using var scope = registry.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var (user, errors) = await accounts.CreateAsync(name, Password, role, districts, null, CancellationToken.None);
        Assert.True(user is not null, string.Join("; ", errors.SelectMany(e => e.Value)));
        return user;
    }

    /// <summary>Fetches an antiforgery token (which also sets its cookie on <paramref name="client"/>).</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client)
    {
        var token = await client.GetFromJsonAsync<AntiforgeryToken>(new Uri("/api/v1/auth/antiforgery", UriKind.Relative));
        Assert.Equal("X-CSRF-TOKEN", token?.HeaderName);
        return token!.Token;
    }

    /// <summary>Posts a sign-in with a fresh antiforgery token.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string userName, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/auth/login", UriKind.Relative))
        {
            Content = JsonContent.Create(new LoginRequest(userName, password)),
        };
        request.Headers.Add("X-CSRF-TOKEN", await AntiforgeryTokenAsync(client));
        return await client.SendAsync(request);
    }

    /// <summary>Signs in and sets <c>X-CSRF-TOKEN</c> on every later request of <paramref name="client"/>.</summary>
    public static async Task<SignedIn> SignInAsync(HttpClient client, string userName)
    {
        using var response = await PostLoginAsync(client, userName, Password);
        response.EnsureSuccessStatusCode();
        var signedIn = (await response.Content.ReadFromJsonAsync<SignedIn>())!;
        client.DefaultRequestHeaders.Remove("X-CSRF-TOKEN");
        client.DefaultRequestHeaders.Add("X-CSRF-TOKEN", signedIn.AntiforgeryToken);
        return signedIn;
    }
}
