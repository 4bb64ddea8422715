using Accessibility.Api.Features.Cli;
using Accessibility.Api.Features.Renovations;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Accessibility.Api.Tests.Auth;

/// <summary>
/// The command-line verbs (<c>make user</c>, <c>make token</c>, <c>make api-key</c>, <c>make import-boundaries</c>) work
/// on a fresh clone with no key in the environment: like the service, they read the checkout's
/// <c>var/personal-data.key</c>, which <c>scripts/personal-data-key.sh</c> generates once.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class CliPersonalDataKeyTests(RegistryFixture registry) : IAsyncLifetime
{
    private static readonly string KeyFile = Path.Combine(RepoPaths.Root, "var", "personal-data.key");

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The fixture's configuration without the key, in the Production environment (as <c>dotnet Accessibility.Api.dll</c> runs).</summary>
    private void WithoutKey(WebApplicationBuilder builder)
    {
        registry.ConfigureHost(builder);
        builder.Configuration.AddInMemoryCollection([new(PersonalDataProtector.ConfigurationKey, null)]);
        builder.Environment.EnvironmentName = Environments.Production;
    }

    private async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await RegistryCli.RunAsync(args, new CliContext(output, error, TextReader.Null, WithoutKey));
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Cli_verbs_work_without_a_key_in_the_environment_and_use_the_checkouts_key_file()
    {
        // What make's db target (and run.sh, test.sh) runs first: the key made once, private, its path printed.
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(RepoPaths.Root, "scripts", "personal-data-key.sh")) { RedirectStandardOutput = true };
        using (var script = System.Diagnostics.Process.Start(start)!)
        {
            var printed = (await script.StandardOutput.ReadToEndAsync()).Trim();
            await script.WaitForExitAsync();
            Assert.Equal(0, script.ExitCode);
            Assert.Equal(Path.GetFullPath(KeyFile), Path.GetFullPath(printed));
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }

        var (exit, _, error) = await RunAsync("user", "create", "--name", "li", "--role", "inspector", "--district", "140881");
        Assert.True(exit == 0, error);
        (exit, _, error) = await RunAsync("token", "create", "--user", "li", "--name", "phone");
        Assert.True(exit == 0, error);
        (exit, _, error) = await RunAsync("api-key", "create", "--department", "永济市民政局", "--district", "140881", "--layer", "facilities");
        Assert.True(exit == 0, error);
        Assert.Equal(1L, await registry.ScalarAsync<long>("SELECT count(*) FROM users WHERE user_name = 'li'"));

        // The key the host uses is the file's: what it encrypts, a protector made from the file decrypts.
        await using var host = await new CliContext(TextWriter.Null, TextWriter.Null, TextReader.Null, WithoutKey).BuildHostAsync();
        var used = host.Services.GetRequiredService<PersonalDataProtector>();
        var fromFile = new PersonalDataProtector(Convert.FromBase64String(File.ReadAllText(KeyFile).Trim()));
        Assert.Equal("14088119800101123X", fromFile.Decrypt(used.Encrypt("14088119800101123X", "id_number"), "id_number"));
    }
}
