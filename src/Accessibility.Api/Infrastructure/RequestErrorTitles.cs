namespace Accessibility.Api.Infrastructure;

/// <summary>
/// The title of a 400 by what its errors name, so that a client learns which part of its request to fix: a route value
/// (<c>/tiles/facilities/3/99/1.mvt</c>: "Invalid path value", <c>errors.x</c>), a query parameter (<c>?limit=abc</c>:
/// "Invalid query parameter", <c>errors.limit</c>), or else the body ("The request body cannot be read.").
/// </summary>
public static class RequestErrorTitles
{
    /// <summary>Title of a bad route value.</summary>
    public const string PathValue = "Invalid path value";

    /// <summary>Title of a bad query parameter.</summary>
    public const string QueryParameter = "Invalid query parameter";

    /// <summary>Title of bad route values and query parameters together.</summary>
    public const string PathAndQuery = "Invalid path value and query parameter";

    /// <summary>Title of a body that cannot be read or taken.</summary>
    public const string Body = "The request body cannot be read.";

    /// <summary>
    /// The title and detail for errors under <paramref name="names"/>: a name that is a route value is a path value, one
    /// in the query string a query parameter; any other name is a body field when the request has a body, and otherwise
    /// a query parameter that is missing.
    /// </summary>
    public static (string Title, string Detail) For(HttpContext http, IReadOnlyCollection<string> names)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(names);
        var request = http.Request;
        var path = names.Where(n => request.RouteValues.ContainsKey(n)).ToList();
        var query = names.Where(n => !request.RouteValues.ContainsKey(n) && request.Query.ContainsKey(n)).ToList();
        var other = names.Except(path).Except(query).ToList();
        if (other.Count > 0 && HasBody(request))
        {
            return (Body, "One or more fields of the body are not acceptable: " + Quote(other) + ".");
        }

        query.AddRange(other);
        return (path.Count, query.Count) switch
        {
            ( > 0, 0) => (PathValue, (path.Count == 1 ? "The path value " + Quote(path) + " is" : "The path values " + Quote(path) + " are") + " not acceptable."),
            (0, _) => (QueryParameter, (query.Count == 1 ? "The query parameter " + Quote(query) + " is" : "The query parameters " + Quote(query) + " are") + " not acceptable."),
            _ => (PathAndQuery, "The path values " + Quote(path) + " and the query parameters " + Quote(query) + " are not acceptable."),
        };
    }

    /// <summary>
    /// <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/>: a 400 that <see cref="FieldErrors.ToResult"/> titled
    /// as a body error by default, whose errors name route values or query parameters, gets their title and a detail
    /// naming them.
    /// </summary>
    public static void Retitle(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ProblemDetails is HttpValidationProblemDetails { Status: StatusCodes.Status400BadRequest, Title: Body } problem && problem.Errors.Count > 0)
        {
            var (title, detail) = For(context.HttpContext, [.. problem.Errors.Keys]);
            problem.Title = title;
            problem.Detail ??= detail;
        }
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0 || request.ContentType is not null;

    private static string Quote(List<string> names) => string.Join(", ", names.Select(n => "'" + n + "'"));
}
