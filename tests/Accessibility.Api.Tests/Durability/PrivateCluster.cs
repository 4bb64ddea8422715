using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Accessibility.Api.Features.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Accessibility.Api.Tests.Durability;

/// <summary>
/// A throw-away PostgreSQL cluster of its own, started by <c>scripts/pg.sh</c> exactly as <c>make run</c> starts one
/// (on a free port, under var/test/), with the service on it as in production: migrations as the owner role,
/// requests as the runtime role. Tests may crash this cluster; the shared test server is never touched.
/// </summary>
public sealed class PrivateCluster : IAsyncLifetime
{
    private readonly string var = Path.Combine(RepoPaths.Root, "var", "test", "pg-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly int port = FreePort();
    private WebApplication? app;

    /// <summary>Base address of the service.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The superuser's connection to the service's database, for checking what is stored.</summary>
    public string SuperuserConnectionString => PgScript("url", "accessibility", "postgres").Trim();

    /// <summary>The runtime role's connection, as the service has it.</summary>
    public string RuntimeConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        PgScript("start");
        RuntimeConnectionString = PgScript("url", "accessibility", "app").Trim();
        app = RegistryApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Registry"] = RuntimeConnectionString,
                ["ConnectionStrings:RegistryOwner"] = PgScript("url", "accessibility", "owner").Trim(),
                ["Registry:LoadDemoData"] = "false",
                ["Registry:PersonalDataKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                // Many reports from one address in a few seconds: the load of the crash test, not abuse.
                [ReportOptions.Section + ":PerIpPermits"] = "1000000",
                [ReportOptions.Section + ":PerDevicePermits"] = "1000000",
                ["Logging:LogLevel:Default"] = "Error",
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        });
        await app.PrepareDatabaseAsync();
        await app.StartAsync();
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    /// <summary>
    /// Kills the postmaster and every process of the cluster, as a power cut does to them: all are stopped (SIGSTOP)
    /// at once, so none writes out anything more, then killed (SIGKILL). What PostgreSQL had not written is gone.
    /// </summary>
    public void Crash()
    {
        var postmaster = File.ReadLines(Path.Combine(var, "data", "postmaster.pid")).First().Trim();
        var children = Directory.EnumerateDirectories("/proc")
            .Select(dir => Path.GetFileName(dir))
            .Where(pid => pid.All(char.IsAsciiDigit) && ParentOf(pid) == postmaster)
            .ToList();
        Signal("-STOP", [postmaster, .. children]);
        Signal("-KILL", [postmaster, .. children]);
        using var process = Process.GetProcessById(int.Parse(postmaster, System.Globalization.CultureInfo.InvariantCulture));
        process.WaitForExit(10_000);

        static string? ParentOf(string pid)
        {
            try
            {
                // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so count from the last ')'.
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1];
            }
            catch (IOException)
            {
                return null;
            }
        }

        static void Signal(string signal, IEnumerable<string> pids)
        {
            var start = new ProcessStartInfo("kill") { ArgumentList = { signal } };
            foreach (var pid in pids)
            {
                start.ArgumentList.Add(pid);
            }

            using var kill = Process.Start(start)!;
            kill.WaitForExit();
        }
    }

    /// <summary>Starts the cluster again (crash recovery replays the WAL), waiting while the killed processes go away.</summary>
    public async Task RestartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                PgScript("start");
                return;
            }
            catch (InvalidOperationException) when (attempt < 20)
            {
                await Task.Delay(1000);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Npgsql.NpgsqlConnection.ClearAllPools();
        try
        {
            PgScript("stop");
        }
        finally
        {
            var data = new DirectoryInfo(Path.Combine(var, "data"));
            if (data.LinkTarget is { } elsewhere)
            {
                Directory.Delete(elsewhere, recursive: true);
            }

            Directory.Delete(var, recursive: true);
        }
    }

    /// <summary>Runs <c>scripts/pg.sh</c> on this cluster and returns its output.</summary>
    private string PgScript(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "pg.sh"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PG_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PG_VAR"] = var;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/pg.sh {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        }

        return output.Result;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
