using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Accessibility.Api.Tests.Infrastructure;

/// <summary>
/// Every documented setting (README's Configuration, <c>appsettings.json</c>) takes effect in the service as a county
/// server runs it: the built binary started as its own process from another directory (as systemd starts it), reading
/// <c>appsettings.json</c> beside its binaries, with the environment winning over the file.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class SettingsTests(RegistryFixture registry) : IAsyncLifetime
{
    private const string PublicHost = "registry.example.gov.cn";

    public Task InitializeAsync() => registry.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_shipped_settings_file_is_read_from_beside_the_binaries()
    {
        await using var service = await ServiceProcess.StartAsync(registry, new Dictionary<string, string>(), "127.0.0.1");
        using var client = service.Client();

        // Registry:DefaultDistrict and the basemap as the file ships them: Yongji, no basemap.
        var config = await GetJsonAsync(client, "/api/v1/config");
        Assert.Equal("140881", (string?)config["defaultDistrict"]);
        Assert.Null(config["tileUrl"]);

        // AllowedHosts: this machine only; any other Host header is refused.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/readyz", "localhost"));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(client, "/readyz", PublicHost));

        // Registry:PublicBaseUrl empty: links start with the request's own address.
        var ogc = await GetJsonAsync(client, "/ogc");
        Assert.NotEmpty(Hrefs(ogc));
        Assert.All(Hrefs(ogc), href => Assert.StartsWith(service.BaseAddress.ToString().TrimEnd('/'), href, StringComparison.Ordinal));

        // Registry:MaxRequestBodyBytes 1 MiB: a 4 KB report is read (and answered on its merits, not refused by size).
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, await PostReportAsync(client, 4_000, null, null));

        await AnswerSomeQueriesAsync(client);
        var log = await service.StopAsync();
        // The shipped logging levels: no line per SQL command or per request, yet the service's own information.
        Assert.DoesNotContain("Executed DbCommand", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Request starting", log, StringComparison.Ordinal);
        Assert.Contains("Application started", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_documented_setting_given_in_the_environment_changes_what_users_see()
    {
        // A proxy that is not this machine's loopback: the machine's own network address, trusted by configuration.
        var proxy = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .First(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        await using var service = await ServiceProcess.StartAsync(registry, new Dictionary<string, string>
        {
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
            ["AllowedHosts"] = PublicHost,
            ["Registry__PublicBaseUrl"] = "https://" + PublicHost + "/registry",
            ["Registry__TrustedProxies__0"] = proxy.ToString(),
            ["Registry__TileUrl"] = "https://t{s}.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY",
            ["Registry__TileAttribution"] = "天地图",
            ["Registry__TileSubdomains"] = "01234567",
            ["Registry__DefaultDistrict"] = "140802",
            ["Registry__MaxRequestBodyBytes"] = "2048",
            ["Registry__Reports__PerIpPermits"] = "1",
        }, proxy.ToString(), PublicHost);
        using var client = service.Client();

        var config = await GetJsonAsync(client, "/api/v1/config", PublicHost);
        Assert.Equal("140802", (string?)config["defaultDistrict"]);
        Assert.Equal("天地图", (string?)config["tileAttribution"]);
        Assert.Equal("01234567", (string?)config["tileSubdomains"]);
        Assert.StartsWith("https://t{s}.tianditu.gov.cn/", (string?)config["tileUrl"], StringComparison.Ordinal);
        // The pages may load the basemap's images, from its host only.
        using (var page = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative)))
        {
            page.Headers.Host = PublicHost;
            using var response = await client.SendAsync(page);
            var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("*.tianditu.gov.cn", csp, StringComparison.Ordinal);
        }

        // AllowedHosts: the public name only now; this machine's own names are refused.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/readyz", PublicHost));
        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(client, "/readyz", "localhost"));

        // Registry:PublicBaseUrl: links start with it, whatever address the request came to.
        var ogc = await GetJsonAsync(client, "/ogc", PublicHost);
        Assert.NotEmpty(Hrefs(ogc));
        Assert.All(Hrefs(ogc), href => Assert.StartsWith("https://" + PublicHost + "/registry/", href, StringComparison.Ordinal));

        // Registry:MaxRequestBodyBytes: 2 KB, so a 4 KB JSON body is refused for its size (Open311 filing is not the
        // place to see it: it takes photos, so it has a larger limit of its own).
        using (var large = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/reports/1/reopen", UriKind.Relative)))
        {
            large.Headers.Host = PublicHost;
            large.Content = new StringContent("{\"reason\":\"" + new string('x', 4_000) + "\"}", System.Text.Encoding.UTF8, "application/json");
            using var refused = await client.SendAsync(large);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        }

        // Registry:TrustedProxies: the proxy's X-Forwarded-For is believed, so the limit of one report per client
        // counts each forwarded client on its own (without it, all would be the proxy's one address).
        Assert.Equal(HttpStatusCode.Created, await PostReportAsync(client, 0, PublicHost, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.Created, await PostReportAsync(client, 0, PublicHost, "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostReportAsync(client, 0, PublicHost, "203.0.113.1"));

        await AnswerSomeQueriesAsync(client, PublicHost);
        var log = await service.StopAsync();
        // Logging levels from the environment win over the file's.
        Assert.Contains("Executed DbCommand", log, StringComparison.Ordinal);
        Assert.Contains("Request starting", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_production_without_the_personal_data_key_the_service_does_not_start()
    {
        await using var service = await ServiceProcess.StartAsync(registry, new Dictionary<string, string>(), "127.0.0.1", expectReady: false, withKey: false);
        var log = await service.WaitForExitAsync(TimeSpan.FromSeconds(300));
        Assert.NotEqual(0, service.ExitCode);
        Assert.Contains("No key for personal data", log, StringComparison.Ordinal);
    }

    private static async Task AnswerSomeQueriesAsync(HttpClient client, string? host = null)
    {
        foreach (var path in new[] { "/api/v1/facilities?limit=5", "/api/v1/config", "/open311/v2/requests.json" })
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, path, host));
        }
    }

    private static async Task<HttpStatusCode> PostReportAsync(HttpClient client, int padding, string? host, string? forwardedFor)
    {
        var form = Reports.ReportApi.Form(Facilities.FacilityApi.Yongji);
        form["description"] += new string('。', padding / 3);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/open311/v2/requests.json", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(form),
        };
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path, string? host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<JsonObject> GetJsonAsync(HttpClient client, string path, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, path + ": " + response.StatusCode + " " + body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static List<string> Hrefs(JsonObject document) =>
        document["links"]!.AsArray().Select(l => (string)l!["href"]!).ToList();

    /// <summary>
    /// The service's built binary as its own process, started from an empty directory (so nothing is found from the
    /// working directory: a systemd unit's situation) in Production, on the fixture's database, with only the given
    /// variables and the connection strings (and the key) in its environment.
    /// </summary>
    private sealed class ServiceProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new();
        private readonly string workingDirectory;

        private ServiceProcess(Process process, string workingDirectory, Uri baseAddress)
        {
            this.process = process;
            this.workingDirectory = workingDirectory;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public int ExitCode => process.ExitCode;

        public static async Task<ServiceProcess> StartAsync(
            RegistryFixture registry, Dictionary<string, string> environment, string address, string host = "127.0.0.1",
            bool expectReady = true, bool withKey = true)
        {
            var port = FreePort();
            var api = typeof(RegistryApp).Assembly.Location;
            // The API project's own output (bin/<configuration>/net10.0): its appsettings.json, as make run and the unit use.
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
            var dll = Path.Combine(RepoPaths.Root, "src", "Accessibility.Api", "bin", configuration, "net10.0", Path.GetFileName(api));
            Assert.True(File.Exists(dll), dll + " is missing: build the solution first");
            var workingDirectory = Directory.CreateTempSubdirectory("registry-settings-").FullName;
            var listen = address.Contains(':', StringComparison.Ordinal) ? "[" + address + "]" : address;
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(dll);
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://{listen}:{port}");
            foreach (var inherited in start.Environment.Keys.ToList())
            {
                if (inherited.StartsWith("Registry__", StringComparison.Ordinal) || inherited.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
                    || inherited.StartsWith("Logging__", StringComparison.Ordinal) || inherited.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
                    || inherited.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal) || inherited.StartsWith("ACCESSIBILITY_DB", StringComparison.Ordinal)
                    || inherited == "AllowedHosts")
                {
                    start.Environment.Remove(inherited);
                }
            }

            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["ConnectionStrings__Registry"] = registry.RuntimeConnectionString;
            start.Environment["ConnectionStrings__RegistryOwner"] = registry.ConnectionString;
            start.Environment["Registry__LoadDemoData"] = "false";
            if (withKey)
            {
                start.Environment["Registry__PersonalDataKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            }

            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            var process = new Process { StartInfo = start };
            var service = new ServiceProcess(process, workingDirectory, new Uri($"http://{listen}:{port}/"));
            process.OutputDataReceived += (_, e) => service.Append(e.Data);
            process.ErrorDataReceived += (_, e) => service.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!expectReady)
            {
                return service;
            }

            using var client = service.Client();
            // As long as scripts/test.sh waits for its service: seconds on a quiet machine, minutes on a loaded one.
            var deadline = DateTime.UtcNow.AddSeconds(300);
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    if (await StatusAsync(client, "/readyz", host) == HttpStatusCode.OK)
                    {
                        return service;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(250);
            }

            var log = await service.StopAsync();
            throw new InvalidOperationException("The service did not become ready:\n" + log);
        }

        public HttpClient Client() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        /// <summary>Stops the service as systemd does (SIGTERM), so that it writes out its log, and returns the log.</summary>
        public async Task<string> StopAsync()
        {
            if (!process.HasExited)
            {
                using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
            }

            return await WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        public async Task<string> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            lock (output)
            {
                return output.ToString();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                await StopAsync();
            }

            process.Dispose();
            Directory.Delete(workingDirectory, recursive: true);
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
