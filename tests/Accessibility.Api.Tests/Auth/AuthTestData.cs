using System.Net.Http.Json;
using Accessibility.Api.Features.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Accessibility.Api.Tests.Auth;

/// <summary>Arranging accounts and signing in for the auth tests.</summary>
internal static class AuthTestData
{
    public const string Password = "correct horse battery staple";

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
