using System.Net;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Where absolute links point and which client a request comes from. Links (paging, OGC API, Open311) start with
/// <c>Registry:PublicBaseUrl</c> when it is set, else with the request's own scheme and host; the host is one of
/// <c>AllowedHosts</c> (loopback unless configured), other <c>Host</c> headers are refused with 400, so a forged
/// <c>Host</c> never ends up in a link. <c>X-Forwarded-For</c>/<c>-Proto</c> are believed only from
/// <c>Registry:TrustedProxies</c> (and loopback), so that sign-in throttling and report limits see the real client.
/// </summary>
public static class PublicUrls
{
    /// <summary>Hosts accepted when <c>AllowedHosts</c> is not configured: this machine only.</summary>
    public static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>Registers host filtering, forwarded headers and checks <c>Registry:PublicBaseUrl</c>.</summary>
    public static IServiceCollection AddPublicUrls(this IServiceCollection services, IConfiguration configuration, RegistryOptions registry)
    {
        if (registry.PublicBaseUrl is { Length: > 0 } baseUrl
            && (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0 || uri.Fragment.Length > 0))
        {
            throw new InvalidOperationException($"Registry:PublicBaseUrl '{baseUrl}' is not an absolute http(s) URL without query or fragment.");
        }

        var hosts = configuration["AllowedHosts"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // ASP.NET Core would fall back to "*" (any host); the registry falls back to this machine only.
        services.Configure<HostFilteringOptions>(o => o.AllowedHosts = hosts is { Length: > 0 } ? hosts : LoopbackHosts);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in registry.TrustedProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });
        return services;
    }

    /// <summary>Takes the client address and scheme from a trusted proxy's headers; first in the pipeline.</summary>
    public static WebApplication UsePublicUrls(this WebApplication app)
    {
        app.UseForwardedHeaders();
        return app;
    }

    /// <summary>The absolute URL of <paramref name="path"/> (from the application's root) and <paramref name="query"/> as clients should use it.</summary>
    public static string Absolute(HttpRequest request, PathString path, QueryString query = default)
    {
        var configured = request.HttpContext.RequestServices.GetRequiredService<IOptions<RegistryOptions>>().Value.PublicBaseUrl;
        return configured is { Length: > 0 }
            ? configured.TrimEnd('/') + path.ToUriComponent() + query.ToUriComponent()
            : UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, path, query);
    }
}
