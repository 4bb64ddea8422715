using Microsoft.AspNetCore.Antiforgery;

namespace Accessibility.Api.Features.Auth;

/// <summary>
/// Refuses unsafe requests (POST, PUT, PATCH, DELETE) that a browser could forge, to every path (<c>/api</c>,
/// <c>/open311</c> and whatever comes next): those authenticated by the session cookie, and those to endpoints
/// that ask for a token even when anonymous (sign-in). They must carry the antiforgery request token in
/// <c>X-CSRF-TOKEN</c>. Bearer-token requests need none: a browser never adds an Authorization header cross-site;
/// anonymous requests without a session cookie need none either: there is no one to impersonate.
/// </summary>
/// <remarks>
/// ASP.NET Core's own antiforgery middleware only validates and records the outcome; it is form
/// binding that rejects. JSON endpoints need this middleware to do the rejecting.
/// </remarks>
internal static class CsrfProtection
{
    /// <summary>Name of the header that carries the request token.</summary>
    public const string HeaderName = "X-CSRF-TOKEN";

    /// <summary>Adds the check to the pipeline; after authentication, authorization and <c>UseAntiforgery</c>.</summary>
    public static WebApplication UseCsrfProtection(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (NeedsToken(context) && !await IsValidAsync(context))
            {
                await TypedResults.Problem(
                    title: "Missing or invalid antiforgery token",
                    detail: $"Requests signed in with the session cookie must send the token from GET /api/v1/auth/antiforgery in the {HeaderName} header.",
                    statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    private static bool NeedsToken(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return false;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: true })
        {
            return true;
        }

        return context.User.Identity is { IsAuthenticated: true } && !AuthFeature.IsBearerRequest(context);
    }

    private static async Task<bool> IsValidAsync(HttpContext context)
    {
        // UseAntiforgery has already validated endpoints that carry antiforgery metadata.
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { } done)
        {
            return done.IsValid;
        }

        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        return await antiforgery.IsRequestValidAsync(context);
    }
}
