using System.Net;
using Accessibility.Api.Features.Cli;
using static Accessibility.Api.Tests.Sharing.SharingTestData;

namespace Accessibility.Api.Tests.Sharing;

/// <summary>The api-key verb, run in-process against the fixture's database.</summary>
[Collection(RegistryCollection.Name)]
public sealed class SharingCliTests(RegistryFixture registry) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await registry.ResetAsync();
        await SeedAsync(registry);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RegistryCli.RunAsync(args, new CliContext(output, error, new StringReader(""), registry.ConfigureHost));
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Create_prints_the_secret_once_list_shows_it_never_and_revoke_stops_it()
    {
        Assert.True(RegistryCli.Handles(["api-key", "list"]));
        var (exit, output, error) = await RunAsync("api-key", "create", "--department", "偃师区民政局", "--district", Yanshi,
            "--layer", "facilities", "--layer", "defects", "--purpose", "残疾人服务大数据", "--expires-days", "30");
        Assert.True(exit == 0, error);
        var secret = output.TrimEnd().Split('\n')[^1].Trim();
        Assert.StartsWith("acrk_", secret, StringComparison.Ordinal);
        Assert.Contains("偃师区民政局", output, StringComparison.Ordinal);

        using var key = KeyClient(registry, secret);
        Assert.Equal(HttpStatusCode.OK, (await key.GetAsync(new Uri("/api/v1/defects", UriKind.Relative))).StatusCode);

        var (listExit, list, _) = await RunAsync("api-key", "list");
        Assert.Equal(0, listExit);
        Assert.Contains(secret[..11], list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.Contains("active", list, StringComparison.Ordinal);

        var (revokeExit, revoked, _) = await RunAsync("api-key", "revoke", "--id", "1");
        Assert.Equal(0, revokeExit);
        Assert.Contains("revoked", revoked, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await key.GetAsync(new Uri("/api/v1/defects", UriKind.Relative))).StatusCode);
        Assert.Contains("revoked", (await RunAsync("api-key", "list")).Out, StringComparison.Ordinal);
        Assert.Equal(2L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE actor = 'system' AND entity_type = 'api_key'"));

        var (usageExit, usage, _) = await RunAsync("api-key", "usage", "--id", "1");
        Assert.Equal(0, usageExit);
        Assert.Contains("requests in the last 30 days", usage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "api-key")]
    [InlineData(2, "api-key", "frobnicate")]
    [InlineData(2, "api-key", "create", "--district", "140881", "--layer", "facilities")]
    [InlineData(2, "api-key", "create", "--department", "x", "--district", "140881", "--layer", "facilities", "--expires-days", "soon")]
    [InlineData(1, "api-key", "create", "--department", "x", "--district", "140881", "--layer", "households")]
    [InlineData(1, "api-key", "create", "--department", "x", "--district", "140881001", "--layer", "facilities")]
    [InlineData(1, "api-key", "create", "--department", "x", "--layer", "facilities")]
    [InlineData(2, "api-key", "revoke", "--id", "one")]
    [InlineData(1, "api-key", "revoke", "--id", "99")]
    public async Task Bad_arguments_exit_with_2_and_bad_values_with_1_and_change_nothing(int expected, params string[] args)
    {
        var (exit, _, error) = await RunAsync(args);
        Assert.Equal(expected, exit);
        Assert.NotEmpty(error);
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM api_keys"));
    }
}
