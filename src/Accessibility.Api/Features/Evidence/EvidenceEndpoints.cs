using System.Security.Cryptography;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Coverage;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;
using Microsoft.Net.Http.Headers;

namespace Accessibility.Api.Features.Evidence;

/// <summary>
/// <c>GET /api/v1/evidence/{district}.zip?asOf=&amp;knownAt=</c>: the evidence package for third-party evaluators
/// (第三方评估), public (docs/evidence-package.md). Without <c>knownAt</c> the answer is a 303 See Other to the same URL
/// with <c>knownAt</c> pinned to the request's second: the URL a user saves then always gives the same bytes.
/// </summary>
public static class EvidenceEndpoints
{
    private static readonly string[] Parameters = ["asOf", "knownAt"];

    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapEvidenceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/evidence/{district}.zip", Get).WithName("GetEvidencePackage").WithTags("Evidence")
            .RequireAccess(ResourceKinds.Coverage, Operations.Read)
            .WithSummary("The evidence package of a district as of a date (asOf, yyyy-MM-dd, China Standard Time) as the registry knew it at "
                + "knownAt (an ISO instant): a zip of a GeoPackage 1.3 (facilities, road segments, districts, defects, public reports; "
                + "CGCS2000 EPSG:4490), one CSV per table, plan targets in force, the public indicators, definitions (zh/en) and a README "
                + "with the SHA-256 of every file. Public data only. Without knownAt: 303 See Other to the URL pinned to the request's "
                + "second, which always gives the same bytes.")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip").Produces(StatusCodes.Status303SeeOther)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Get(string district, HttpRequest request, RegistryDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        foreach (var key in request.Query.Keys.Where(k => !Parameters.Contains(k, StringComparer.Ordinal)))
        {
            errors.Add(key, "Unknown parameter: expected asOf and optionally knownAt.");
        }

        var code = CoverageEndpoints.ParseDistrict("district", district, errors);
        string? asOfText = request.Query["asOf"];
        string? knownAtText = request.Query["knownAt"];
        if (string.IsNullOrWhiteSpace(asOfText))
        {
            errors.Add("asOf", "Required: the date (yyyy-MM-dd, China Standard Time) the package is of.");
        }

        var asOf = AsOf.Parse(asOfText, knownAtText, clock, errors);
        if (code is null || asOf is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, CoverageEndpoints.BadQueryTitle);
        }

        if (await CoverageEndpoints.DistrictNameAsync(db, code, ct) is null)
        {
            return CoverageEndpoints.NotFound(code);
        }

        if (string.IsNullOrWhiteSpace(knownAtText))
        {
            // 303, not 302: the pinned URL is another resource (the package as known at that second), not this one moved;
            // a client follows it with a GET and keeps that URL, and nobody may cache the redirect, so a later request pins anew.
            var now = clock.GetUtcNow();
            var pinned = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            request.HttpContext.Response.Headers.CacheControl = "no-store";
            return new SeeOtherResult(PinnedPath(code, asOf.Date, pinned));
        }

        // The README names the pinned URL: the configured public base URL when there is one, else the path alone, so that
        // the bytes do not depend on the host name a client used.
        var baseUrl = request.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RegistryOptions>>().Value.PublicBaseUrl;
        var url = (baseUrl is { Length: > 0 } ? baseUrl.TrimEnd('/') : "") + PinnedPath(code, asOf.Date, asOf.KnownAt);
        var bytes = await EvidencePackage.BuildAsync(db, code, asOf, url, ct);
        if (bytes is null)
        {
            return CoverageEndpoints.NotFound(code);
        }

        // A pinned package is the same bytes at every request: a CDN or browser may keep it (an hour, as other public reads).
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=3600";
        var etag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(bytes)) + "\"");
        return TypedResults.File(bytes, "application/zip", FormattableString.Invariant($"evidence-{code}-{asOf.Date:yyyy-MM-dd}.zip"), entityTag: etag);
    }

    /// <summary>The URL path and query of the package pinned to <paramref name="knownAt"/>.</summary>
    public static string PinnedPath(string code, DateOnly date, DateTimeOffset knownAt) =>
        FormattableString.Invariant($"/api/v1/evidence/{code}.zip?asOf={date:yyyy-MM-dd}&knownAt={Uri.EscapeDataString(EvidencePackage.KnownAtText(knownAt))}");

    /// <summary>303 See Other to <c>Location</c>.</summary>
    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
