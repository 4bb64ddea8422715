using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Cli;

namespace Accessibility.Api.Tests.Auth;

/// <summary>The user and token verbs, run in-process against the fixture's database.</summary>
[Collection(RegistryCollection.Name)]
public sealed class AuthCliTests(RegistryFixture registry) : IAsyncLifetime
{
    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(int Exit, string Out, string Error)> RunAsync(string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader(stdin);
        var exit = await RegistryCli.RunAsync(args, new CliContext(output, error, input, registry.ConfigureHost));
        return (exit, output.ToString(), error.ToString());
    }

    private static string LastLine(string text) => text.TrimEnd().Split('\n')[^1].Trim();

    [Fact]
    public async Task User_create_prints_a_generated_password_once_and_it_signs_in()
    {
        var (exit, output, _) = await RunAsync("", "user", "create", "--name", "li", "--role", "inspector", "--district", "140881", "--display-name", "李明");

        Assert.Equal(0, exit);
        var password = LastLine(output);
        Assert.True(password.Length >= 20, output);
        using var client = registry.CreateCookieClient();
        using var login = await AuthTestData.PostLoginAsync(client, "li", password);
        Assert.Equal(System.Net.HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("李明", await registry.ScalarAsync<string>("SELECT display_name FROM users WHERE user_name = 'li'"));
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM audit_entries WHERE actor = 'system' AND action = 'create'"));
    }

    [Fact]
    public async Task User_create_reads_the_password_from_stdin_and_does_not_print_it()
    {
        var (exit, output, _) = await RunAsync(AuthTestData.Password + "\n",
            "user", "create", "--name", "wang", "--role", "planner", "--district", "140881", "--district", "410307", "--password-stdin");

        Assert.Equal(0, exit);
        Assert.DoesNotContain(AuthTestData.Password, output, StringComparison.Ordinal);
        using var client = registry.CreateCookieClient();
        var signedIn = await AuthTestData.SignInAsync(client, "wang");
        Assert.Equal(["140881", "410307"], signedIn.User.DistrictScopes);
    }

    [Theory]
    [InlineData(2, "user", "create", "--name", "li")]
    [InlineData(2, "user", "create", "--name", "li", "--role", "inspector", "--colour", "red")]
    [InlineData(2, "user", "create", "--name", "li", "--name", "wang", "--role", "inspector")]
    [InlineData(2, "user", "frobnicate")]
    [InlineData(2, "user")]
    [InlineData(2, "token", "create", "--user", "li")]
    [InlineData(2, "token", "create", "--user", "li", "--name", "phone", "--expires-days", "soon")]
    [InlineData(2, "token", "revoke", "--id", "x")]
    [InlineData(1, "user", "create", "--name", "li", "--role", "inspector", "--district", "999999")]
    [InlineData(1, "user", "create", "--name", "li", "--role", "mayor", "--district", "140881")]
    [InlineData(1, "user", "create", "--name", "li", "--role", "inspector")]
    [InlineData(1, "user", "disable", "--name", "nobody")]
    [InlineData(1, "token", "create", "--user", "nobody", "--name", "phone")]
    [InlineData(1, "token", "revoke", "--id", "12345")]
    public async Task Bad_arguments_give_a_message_and_a_non_zero_exit_code(int expected, params string[] args)
    {
        var (exit, _, error) = await RunAsync("", args);

        Assert.Equal(expected, exit);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM users"));
    }

    [Fact]
    public async Task User_list_and_disable()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");
        await AuthTestData.CreateUserAsync(registry, "root", Roles.SystemAdmin);

        var (exit, output, _) = await RunAsync("", "user", "disable", "--name", "LI");
        Assert.Equal(0, exit);
        Assert.Contains("disabled", output, StringComparison.Ordinal);

        (exit, output, _) = await RunAsync("", "user", "list");
        Assert.Equal(0, exit);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^\d+\s+li\s+inspector\s+140881\s+disabled", lines.Single(l => l.Contains(" li ", StringComparison.Ordinal)));
        Assert.Matches(@"^\d+\s+root\s+system-admin\s+-\s+active", lines.Single(l => l.Contains(" root ", StringComparison.Ordinal)));
        using var client = registry.CreateCookieClient();
        using var login = await AuthTestData.PostLoginAsync(client, "li", AuthTestData.Password);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task Token_create_prints_a_working_secret_and_token_revoke_stops_it()
    {
        await AuthTestData.CreateUserAsync(registry, "li", Roles.Inspector, "140881");

        var (exit, output, _) = await RunAsync("", "token", "create", "--user", "li", "--name", "phone", "--expires-days", "90");

        Assert.Equal(0, exit);
        var secret = LastLine(output);
        Assert.StartsWith(ApiTokens.SecretPrefix, secret, StringComparison.Ordinal);
        using var client = registry.CreateClient(secret);
        var me = new Uri("/api/v1/auth/me", UriKind.Relative);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(me)).StatusCode);
        var id = await registry.ScalarAsync<long>("SELECT id FROM api_tokens WHERE name = 'phone'");
        Assert.True(await registry.ScalarAsync<bool>("SELECT expires_at > now() + interval '89 days' FROM api_tokens WHERE id = $1", id));

        (exit, _, _) = await RunAsync("", "token", "revoke", "--id", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(0, exit);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync(me)).StatusCode);
    }
}
