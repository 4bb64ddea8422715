namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Refuses query parameters and route values that are not acceptable text (<see cref="InputText"/>) with a 400
/// naming the parameter, before authentication (an API key may come in the query) or any handler sees them.
/// </summary>
public static class InputGuard
{
    /// <summary>Adds the check to the pipeline; routing has run, so route values are known.</summary>
    public static IApplicationBuilder UseInputGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var errors = Check(context.Request);
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
