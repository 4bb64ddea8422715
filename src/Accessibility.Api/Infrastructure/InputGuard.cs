namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Refuses query parameters, route values and the staff workspace's form fields that are not acceptable text
/// (<see cref="InputText"/>) with a 400 naming the parameter, before authentication (an API key may come in the query) or any handler sees them.
/// </summary>
public static class InputGuard
{
    /// <summary>Adds the check to the pipeline; routing has run, so route values are known.</summary>
    public static IApplicationBuilder UseInputGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var errors = Check(context.Request);
            // The staff workspace's forms bind fields straight to the use cases (no JSON body check on the way): the
            // same test of their text, so a NUL or a lone surrogate is a 400 naming the field, never a database error.
            if (errors is null && context.Request.HasFormContentType
                && context.Request.Path.StartsWithSegments("/staff", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    errors = InputText.Check(await context.Request.ReadFormAsync(context.RequestAborted));
                }
                catch (InvalidDataException ex)
                {
                    // ASP.NET Core's form reader refuses a NUL itself (it used to surface as a 500): still a bad request.
                    (errors = new()).Add("form", "The form is not acceptable text: " + ex.Message);
                }
            }

            if (errors is not null)
            {
                await errors.ToResult(StatusCodes.Status400BadRequest, "A parameter of the request is not acceptable.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });

    /// <summary>The problems of the query string and route values of <paramref name="request"/>, or null.</summary>
    public static FieldErrors? Check(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        FieldErrors? errors = null;
        foreach (var (key, values) in request.Query)
        {
            if (InputText.Problem(key) is { } keyProblem)
            {
                (errors ??= new()).Add("query", "Parameter name: " + keyProblem);
            }
            else if (InputText.Problem(values) is { } problem)
            {
                (errors ??= new()).Add(key, problem);
            }
        }

        foreach (var (key, value) in request.RouteValues)
        {
            if (value is string text && InputText.Problem(text) is { } problem)
            {
                (errors ??= new()).Add(key, problem);
            }
        }

        return errors;
    }
}
