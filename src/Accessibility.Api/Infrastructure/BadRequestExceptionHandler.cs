using Microsoft.AspNetCore.Diagnostics;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Kestrel reports a body over the size limit, or a broken request, by throwing
/// <see cref="BadHttpRequestException"/> from wherever the body is read. Answer it with its own status
/// (413, 400…) as problem details instead of a 500.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
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
}
