using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Accessibility.Api.Infrastructure;

/// <summary>Entity tags for optimistic concurrency: a record's version as <c>"&lt;version&gt;"</c>.</summary>
public static class ETags
{
    /// <summary>The strong ETag of <paramref name="version"/>.</summary>
    public static string Format(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>
    /// The version a client names in <c>If-Match</c> (<c>"12"</c>, <c>W/"12"</c> or a bare <c>12</c>).
    /// Null when the header is absent or <c>*</c>; false when it is present but not a version.
    /// </summary>
    public static bool TryReadIfMatch(HttpRequest request, out long? version)
    {
        ArgumentNullException.ThrowIfNull(request);
        version = null;
        var header = request.Headers[HeaderNames.IfMatch].ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return true;
        }

        if (header.StartsWith("W/", StringComparison.Ordinal))
        {
            header = header[2..];
        }

        header = header.Trim('"');
        if (long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            version = v;
            return true;
        }

        return false;
    }
}

/// <summary>
/// A JSON document already serialized (by PostGIS), written as it is, with its status,
/// media type and optional <c>ETag</c> and <c>Location</c>.
/// </summary>
public sealed class RawJsonResult(string json, int statusCode = StatusCodes.Status200OK, string contentType = RawJsonResult.GeoJson) : IResult
{
    /// <summary>RFC 7946 media type.</summary>
    public const string GeoJson = "application/geo+json";

    /// <summary>The ETag header to send, if any.</summary>
    public string? ETag { get; init; }

    /// <summary>The Location header to send, if any.</summary>
    public string? Location { get; init; }

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = contentType + "; charset=utf-8";
        if (ETag is not null)
        {
            response.Headers.ETag = ETag;
        }

        if (Location is not null)
        {
            response.Headers.Location = Location;
        }

        return response.WriteAsync(json, httpContext.RequestAborted);
    }
}

/// <summary>
/// A JSON document serialized elsewhere (by PostgreSQL) and copied to the response by <paramref name="write"/>, which asks
/// for the body stream only once it has the first bytes: the status and media type are set then, so an error before it
/// still becomes a problem response.
/// </summary>
public sealed class StreamedJsonResult(Func<HttpContext, Func<Stream>, Task> write, string contentType = RawJsonResult.GeoJson) : IResult
{
    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return write(httpContext, () =>
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = contentType + "; charset=utf-8";
            return httpContext.Response.Body;
        });
    }
}
