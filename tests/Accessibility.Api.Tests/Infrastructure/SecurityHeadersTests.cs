using System.Net;
using System.Text;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Tests.Infrastructure;

[Collection(RegistryCollection.Name)]
public sealed class SecurityHeadersTests(RegistryFixture registry)
{
    public static TheoryData<string, string, HttpStatusCode> Responses => new()
    {
        { "a page", "/renovations.html", HttpStatusCode.OK },
        { "the start page", "/", HttpStatusCode.OK },
        { "a static file", "/app.js", HttpStatusCode.OK },
        { "an API answer", "/api/v1/districts", HttpStatusCode.OK },
        { "a missing page", "/no-such-page.html", HttpStatusCode.NotFound },
        { "a missing API route", "/api/v1/no-such-thing", HttpStatusCode.NotFound },
        { "a refused staff read", "/api/v1/auth/me", HttpStatusCode.Unauthorized },
        { "a problem answer", "/api/v1/facilities?limit=abc", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_response_carries_the_security_headers(string what, string path, HttpStatusCode status)
    {
        using var client = registry.CreateClient();
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(status == response.StatusCode, $"{what}: {response.StatusCode}");
        AssertHeaders(response, what);
    }

    [Fact]
    public async Task An_error_written_by_the_exception_handler_carries_them_too()
    {
        // Unreadable JSON throws from the body reader; the exception handler clears the response and writes problem details.
        using var inspector = await registry.CreateUserClientAsync(Roles.Inspector, "140881");
        using var response = await inspector.PostAsync(
            new Uri("/api/v1/facilities", UriKind.Relative), new StringContent("not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        AssertHeaders(response, "an exception turned into problem details");
    }

    [Theory]
    [InlineData("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org")]
    [InlineData("https://t{s}.tianditu.gov.cn/vec_w/wmts?LAYER=vec&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}", "https://*.tianditu.gov.cn")]
    [InlineData("https://tiles.example.org:8443/osm/{z}/{x}/{y}.png", "https://tiles.example.org:8443")]
    [InlineData("/tiles/base/{z}/{x}/{y}.png", null)]
    [InlineData("https://tiles.{s}.example.org/{z}/{x}/{y}.png", null)]
    [InlineData(null, null)]
    public void A_configured_basemap_server_is_an_image_source(string? tileUrl, string? source) =>
        Assert.Equal(source, SecurityHeaders.TileSource(tileUrl));

    private static void AssertHeaders(HttpResponseMessage response, string what)
    {
        string Header(string name) =>
            response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
            : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(", ", content)
            : throw new Xunit.Sdk.XunitException($"{what}: no {name} header");

        var csp = Header("Content-Security-Policy").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d, StringComparer.Ordinal);
        Assert.Equal("script-src 'self'", csp["script-src"]);
        Assert.Equal("style-src 'self'", csp["style-src"]);
        Assert.Equal("object-src 'none'", csp["object-src"]);
        Assert.Equal("base-uri 'none'", csp["base-uri"]);
        Assert.Equal("frame-ancestors 'none'", csp["frame-ancestors"]);
        Assert.Equal("connect-src 'self'", csp["connect-src"]);
        Assert.Equal("form-action 'self'", csp["form-action"]);
        Assert.Equal("default-src 'self'", csp["default-src"]);
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header("Referrer-Policy"));
    }
}
