using System.Net;
using System.Net.Http.Json;
using Accessibility.Api.Features.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Accessibility.Api.Tests.Auth;

[Collection(RegistryCollection.Name)]
public sealed class TokenTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly Uri Tokens = new("/api/v1/auth/tokens", UriKind.Relative);
    private static readonly Uri Me = new("/api/v1/auth/me", UriKind.Relative);

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_token_is_created_used_listed_and_revoked()
    {
        using var owner = await registry.CreateUserClientAsync(Roles.Planner, "140881");

        using var created = await owner.PostAsJsonAsync(Tokens, new CreateTokenRequest("phone", 90));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<CreatedToken>())!;
        Assert.StartsWith(token.Prefix, token.Secret, StringComparison.Ordinal);
        Assert.InRange(token.ExpiresAt!.Value - token.CreatedAt, TimeSpan.FromDays(89.9), TimeSpan.FromDays(90.1));
        Assert.Equal(new Uri($"/api/v1/auth/tokens/{token.Id}", UriKind.Relative), created.Headers.Location);

        using var phone = registry.CreateClient(token.Secret);
        var me = await phone.GetFromJsonAsync<CurrentUser>(Me);
        Assert.Equal(Roles.Planner, me?.Role);

        var listed = await owner.GetStringAsync(Tokens);
        Assert.Contains("\"phone\"", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Secret, listed, StringComparison.Ordinal);
        var phoneEntry = (await owner.GetFromJsonAsync<List<TokenSummary>>(Tokens))!.Single(t => t.Id == token.Id);
        Assert.NotNull(phoneEntry.LastUsedAt);
        Assert.False(phoneEntry.Revoked);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync(new Uri($"/api/v1/auth/tokens/{token.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync(Me)).StatusCode);
        Assert.True((await owner.GetFromJsonAsync<List<TokenSummary>>(Tokens))!.Single(t => t.Id == token.Id).Revoked);
        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE entity_type = 'api_token'"));
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE after::text LIKE '%' || $1 || '%'", token.Secret));
    }

    [Fact]
    public async Task An_expired_token_is_401()
    {
        var user = await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        await using var scope = registry.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var (_, secret) = await accounts.CreateTokenAsync(user.Id, "old", DateTimeOffset.UtcNow.AddMinutes(-1), CancellationToken.None);

        using var client = registry.CreateClient(secret);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(Me)).StatusCode);
    }

    [Fact]
    public async Task Someone_elses_token_cannot_be_revoked()
    {
        using var alice = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        using var bob = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        var aliceToken = (await alice.GetFromJsonAsync<List<TokenSummary>>(Tokens))!.Single();

        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync(new Uri($"/api/v1/auth/tokens/{aliceToken.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync(Me)).StatusCode);
    }

    [Fact]
    public async Task Bad_token_requests_get_a_validation_problem_naming_the_field()
    {
        using var client = await registry.CreateUserClientAsync(Roles.Inspector, "140881");

        using var response = await client.PostAsJsonAsync(Tokens, new CreateTokenRequest("", 0));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"name\"", body, StringComparison.Ordinal);
        Assert.Contains("\"expiresInDays\"", body, StringComparison.Ordinal);
    }
}
