using System.IO.Compression;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Brotli and gzip for responses a client accepts compressed: the pages' scripts and styles, API JSON and GeoJSON,
/// and the vector tiles (their strings and repeated keys shrink to about half). The map page on a phone loaded
/// 1.28 MB uncompressed before.
/// </summary>
/// <remarks>
/// BREACH (a secret guessed from compressed sizes of responses that also reflect attacker input) needs a response
/// with a secret that another site can make the browser request with the user's cookie. The session cookie is
/// <c>SameSite=Strict</c>, so such requests go without it; as a second fence, the responses that carry
/// per-user secrets are never compressed: the staff workspace's Razor pages (antiforgery tokens in their forms)
/// and <c>/api/v1/auth</c> (antiforgery tokens, personal API tokens). Static files under <c>/staff</c> (scripts,
/// styles: no secrets) are compressed.
/// </remarks>
public static class Compression
{
    /// <summary>What is compressed, beside the framework's text types: JSON, GeoJSON, problem details, tiles.</summary>
    public static readonly string[] MimeTypes =
    [
        .. ResponseCompressionDefaults.MimeTypes,
        "application/geo+json",
        "application/problem+json",
        "application/vnd.mapbox-vector-tile",
        "application/x-protobuf",
        "image/svg+xml",
        "text/csv",
    ];

    /// <summary>
    /// Adds Brotli (preferred) and gzip: the service compresses on each request. Brotli at its default quality (4),
    /// not its fastest (1): quality 1 compresses each flushed piece on its own, and a response written in 4 KB pieces
    /// (the panel's comparison of a county's 13 townships, 137 KB) then came to 81 KB instead of 6 KB. Static files
    /// mostly go out as the web build's Brotli copies (<see cref="PrecompressedFiles"/>).
    /// </summary>
    public static IServiceCollection AddRegistryCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(o =>
        {
            // Behind nginx with TLS the service sees plain HTTP; when Kestrel itself serves HTTPS the rules below
            // (no compression of responses with secrets) apply all the same.
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = MimeTypes;
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.AddSingleton<IResponseCompressionProvider, RegistryCompressionProvider>();
        return services;
    }

    /// <summary>Compresses responses; register it before the static files and the endpoints.</summary>
    public static WebApplication UseRegistryCompression(this WebApplication app)
    {
        app.UseResponseCompression();
        return app;
    }

    /// <summary>Whether a response may be compressed: not when it may hold a per-user secret (see the remarks above).</summary>
    public static bool MayCompress(HttpContext http)
    {
        var path = http.Request.Path;
        var holdsSecrets = path.StartsWithSegments(StaffWorkspace.PathBase, StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/api/v1/auth", StringComparison.OrdinalIgnoreCase);
        // A static file has no endpoint (the static file middleware answers only when routing found none).
        return !holdsSecrets || http.GetEndpoint() is null;
    }

    private sealed class RegistryCompressionProvider(IServiceProvider services, IOptions<ResponseCompressionOptions> options)
        : ResponseCompressionProvider(services, options)
    {
        public override bool ShouldCompressResponse(HttpContext context)
            => MayCompress(context) && base.ShouldCompressResponse(context);
    }
}
