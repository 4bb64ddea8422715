using System.Diagnostics;
using Accessibility.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Config;

/// <summary>
/// The map page (<c>/</c>, <c>wwwroot/index.html</c>) is sent with its demo-data notice already shown while demo
/// facilities are loaded (what <c>/api/v1/config</c> calls <c>demoData</c>), so the notice has its place in the first
/// paint. Shown only by <c>app.js</c> once it had read the config, it pushed the whole map down about 0.6 s after the
/// first paint on a phone (a layout shift of 0.61, Lighthouse's mobile profile). Without demo facilities the file goes
/// out as it is, with its Brotli copy.
/// </summary>
public static class MapPageDemoNotice
{
    /// <summary>The notice as <c>index.html</c> has it: hidden, its text in both languages for the page to show.</summary>
    internal const string HiddenNotice = "<div id=\"demo-notice\" class=\"demo-notice\" role=\"status\" hidden>";

    private const string ShownNotice = "<div id=\"demo-notice\" class=\"demo-notice\" role=\"status\">";

    // Whether demo facilities are loaded, read at most once in this long: the page asks on every load, and at a
    // province's million facilities without demo ones the question reads the whole table.
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(5);

    /// <summary>Answers <c>GET /</c> and <c>/index.html</c> with the notice shown while demo facilities are loaded; before the static files.</summary>
    public static WebApplication UseMapPageDemoNotice(this WebApplication app)
    {
        var files = app.Environment.WebRootFileProvider;
        var demo = new DemoFacilitiesLoaded(Remembered);
        app.Use(async (http, next) =>
        {
            var request = http.Request;
            if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
                || request.Path.Value is not ("/" or "/index.html")
                || !await demo.AskAsync(http.RequestServices, http.RequestAborted))
            {
                await next(http);
                return;
            }

            var file = files.GetFileInfo("index.html");
            if (!file.Exists)
            {
                await next(http);
                return;
            }

            string html;
            await using (var stream = file.CreateReadStream())
            using (var reader = new StreamReader(stream))
            {
                html = await reader.ReadToEndAsync(http.RequestAborted);
            }

            var response = http.Response;
            response.ContentType = "text/html; charset=utf-8";
            // Not the file's own validators: the same file reads differently once the demo facilities are gone.
            response.Headers.CacheControl = "no-cache";
            await response.WriteAsync(html.Replace(HiddenNotice, ShownNotice, StringComparison.Ordinal), http.RequestAborted);
        });
        return app;
    }

    /// <summary>Whether demo facilities are loaded, remembered for a while.</summary>
    private sealed class DemoFacilitiesLoaded(TimeSpan remembered)
    {
        private readonly Lock gate = new();
        private bool answer;
        private long askedAt = long.MinValue;

        public async Task<bool> AskAsync(IServiceProvider services, CancellationToken ct)
        {
            lock (gate)
            {
                if (askedAt != long.MinValue && Stopwatch.GetElapsedTime(askedAt) < remembered)
                {
                    return answer;
                }
            }

            bool loaded;
            try
            {
                var db = services.GetRequiredService<RegistryDbContext>();
                loaded = await db.Facilities.AnyAsync(f => f.Source == "demo" && f.DeletedAt == null, ct);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // The page still works without the database (it shows its own errors): the file as it is.
                return false;
            }

            lock (gate)
            {
                answer = loaded;
                askedAt = Stopwatch.GetTimestamp();
            }

            return loaded;
        }
    }
}
