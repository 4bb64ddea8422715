namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Security headers on every response (pages, static files, API answers, problem details, 404s): a
/// Content-Security-Policy without inline script or inline style, <c>nosniff</c>, no framing, and a referrer
/// policy that keeps report tracking numbers and staff page addresses out of other sites' logs.
/// </summary>
/// <remarks>
/// The headers are written as the response starts (NetEscapades.AspNetCore.SecurityHeaders), so an exception
/// handler that clears the response and writes problem details still sends them.
/// </remarks>
public static class SecurityHeaders
{
    /// <summary>Adds the headers to every response; register it first, before the exception handler.</summary>
    public static WebApplication UseRegistrySecurityHeaders(this WebApplication app)
    {
        var registry = app.Configuration.GetSection(RegistryOptions.Section).Get<RegistryOptions>() ?? new RegistryOptions();
        var policies = new HeaderPolicyCollection()
            .AddContentSecurityPolicy(csp => Policy(csp, TileSource(registry.TileUrl)))
            .AddContentTypeOptionsNoSniff()
            .AddFrameOptionsDeny()
            // Cross-origin requests (a basemap server) get the origin only, never a tracking number in the address.
            .AddReferrerPolicyStrictOriginWhenCrossOrigin()
            .AddCrossOriginOpenerPolicy(p => p.SameOrigin());
        app.UseSecurityHeaders(policies);
        return app;
    }

    private static void Policy(CspBuilder csp, string? tileSource)
    {
        csp.AddDefaultSrc().Self();
        // Scripts and styles from files of this service only: no inline <script>, no on…= or style="…" attributes.
        // Leaflet and Chart.js set styles through the CSSOM (element.style.x = …), which the policy allows.
        csp.AddScriptSrc().Self();
        csp.AddStyleSrc().Self();
        // data: for the map symbols drawn on tile canvases (SVG images) and the pages' empty favicon.
        var images = csp.AddImgSrc().Self().Data();
        if (tileSource is not null)
        {
            images.From(tileSource);
        }

        csp.AddConnectSrc().Self();
        csp.AddFontSrc().Self();
        // The inspector page's service worker.
        csp.AddWorkerSrc().Self();
        csp.AddManifestSrc().Self();
        csp.AddObjectSrc().None();
        csp.AddBaseUri().None();
        csp.AddFormAction().Self();
        csp.AddFrameAncestors().None();
    }

    /// <summary>
    /// The source of the configured basemap tiles (<c>Registry:TileUrl</c>) for <c>img-src</c>, or null when the
    /// tiles come from this service or there are none. A placeholder in the first label of the host
    /// (<c>{s}.tile.example.org</c>, <c>t{s}.tianditu.gov.cn</c>) becomes a wildcard (<c>*.tile.example.org</c>).
    /// </summary>
    public static string? TileSource(string? tileUrl)
    {
        if (string.IsNullOrWhiteSpace(tileUrl))
        {
            return null;
        }

        var schemeEnd = tileUrl.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return null; // relative: this service
        }

        var scheme = tileUrl[..schemeEnd];
        var rest = tileUrl[(schemeEnd + 3)..];
        var hostEnd = rest.IndexOf('/', StringComparison.Ordinal);
        var host = hostEnd < 0 ? rest : rest[..hostEnd];
        var firstDot = host.IndexOf('.', StringComparison.Ordinal);
        if (firstDot > 0 && host[..firstDot].Contains('{', StringComparison.Ordinal))
        {
            host = "*" + host[firstDot..];
        }

        // Any other placeholder in the host cannot be written as a CSP source: leave the basemap out (it shows as
        // a violation in the browser's console) rather than widen the policy to every host.
        if (host.Length == 0 || host.Contains('{', StringComparison.Ordinal))
        {
            return null;
        }

        return scheme is "http" or "https" ? $"{scheme}://{host}" : null;
    }
}
