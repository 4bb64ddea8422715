using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Kestrel reports a body over the size limit, or a broken request, by throwing
/// <see cref="BadHttpRequestException"/> from wherever the body is read; the minimal-API binder throws it for a route
/// value or query parameter it cannot bind. Answer it with its own status (413, 400…) as problem details instead of a
/// 500, a binding failure titled as <see cref="RequestErrorTitles"/> titles it and named under <c>errors</c>.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        if (bad.StatusCode == StatusCodes.Status400BadRequest && BoundParameter().Match(bad.Message) is { Success: true } bound
            && (httpContext.Request.RouteValues.ContainsKey(bound.Groups[1].Value) || httpContext.Request.Query.ContainsKey(bound.Groups[1].Value)))
        {
            var name = bound.Groups[1].Value;
            var (title, detail) = RequestErrorTitles.For(httpContext, [name]);
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [name] = [bad.Message] })
                {
                    Status = bad.StatusCode,
                    Title = title,
                    Detail = detail,
                },
            });
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",
                Detail = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The body exceeds the size limit of this endpoint."
                    : bad.Message,
            },
        });
    }

    /// <summary>The binder's messages: <c>Failed to bind parameter "int limit" from "abc".</c>, <c>Required parameter "int z" was not provided…</c>.</summary>
    [GeneratedRegex("""parameter "(?:[^"]*\s)?([A-Za-z_][A-Za-z0-9_]*)"(?: from| was not provided)""")]
    private static partial Regex BoundParameter();
}
