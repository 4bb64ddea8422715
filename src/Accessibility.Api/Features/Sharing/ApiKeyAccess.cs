using Accessibility.Api.Features.Districts;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Accessibility.Api.Features.Sharing;

/// <summary>
/// The rules every request made with an API key passes before its endpoint runs, in one place:
/// an unknown, revoked or expired key is 401 (even on public routes, so a department notices at once);
/// a key is read-only (any other method than GET/HEAD is 403); a route not shared through keys is 403; a layer the key
/// was not given is 403; a district named in the request (<c>district</c>, <c>parent</c>, <c>{districtCode}</c>) outside
/// the key's districts is 403. Lists without a district are filtered to the key's districts by the queries
/// (<see cref="Infrastructure.Authorization.ReadScope"/>), and single records outside them are 403 by the rule table
/// (<see cref="Infrastructure.Authorization.AccessRules"/>). Admitted requests are counted.
/// </summary>
public static class ApiKeyAccess
{
    /// <summary>Adds the rules to the pipeline, right after authentication.</summary>
    public static IApplicationBuilder UseApiKeyAccess(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            if (!ApiKeyAuthenticationHandler.IsApiKeyRequest(context) || await AdmitAsync(context))
            {
                await next(context);
            }
        });
    }

    /// <summary>Writes the answer and returns false when a key request may not go on; counts it when it may.</summary>
    private static async Task<bool> AdmitAsync(HttpContext context)
    {
        if (ApiKeyScope.Of(context) is not { } scope)
        {
            await UnauthorizedAsync(context);
            return false;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await ForbiddenAsync(context, "API keys are read-only", "A request with an API key may only read (GET); sign in with an account to change data.");
            return false;
        }

        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            return true; // no route: 404 as for anyone
        }

        if (SharedLayers.Of(context) is not { } layer)
        {
            await ForbiddenAsync(context, "Not shared through API keys",
                "This route is not shared through API keys (household cases, accounts, audit, triage, tiles, imports). Shared layers: "
                + string.Join(", ", SharedLayers.All) + ".");
            return false;
        }

        if (!scope.Reads(layer))
        {
            await ForbiddenAsync(context, "Layer not shared with this API key",
                "This API key reads " + string.Join(", ", scope.Layers) + "; not " + layer + ".", new() { ["layer"] = layer });
            return false;
        }

        if (layer != SharedLayers.Reference && NamedDistrictOutside(context, scope) is { } outside)
        {
            await ApiKeyScope.OutsideDistricts(outside).ExecuteAsync(context);
            return false;
        }

        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        context.RequestServices.GetRequiredService<ApiKeyUsageRecorder>().Record(scope.KeyId, layer, route);
        return true;
    }

    /// <summary>A well-formed district code the request names that lies outside the key's districts; malformed ones are the endpoint's to refuse.</summary>
    private static string? NamedDistrictOutside(HttpContext context, ApiKeyScope scope)
    {
        var request = context.Request;
        IEnumerable<string?> named = [request.Query["district"].ToString(), request.Query["parent"].ToString(), request.RouteValues["districtCode"] as string];
        foreach (var text in named)
        {
            if (!string.IsNullOrWhiteSpace(text) && DistrictCodes.TryNormalize(text.Trim(), out var code) && !scope.Covers(code))
            {
                return code;
            }
        }

        return null;
    }

    /// <summary>401 problem details with <c>WWW-Authenticate: ApiKey</c>.</summary>
    internal static Task UnauthorizedAsync(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = ApiKeyAuthenticationHandler.SchemeName;
        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unknown, revoked or expired API key",
            detail: "The API key sent (" + ApiKeyAuthenticationHandler.HeaderName + ", Authorization: ApiKey or " + ApiKeyAuthenticationHandler.QueryParameter
                + ") is not valid. Ask the administrator who issued it.").ExecuteAsync(context);
    }

    /// <summary>403 problem details.</summary>
    internal static Task ForbiddenAsync(HttpContext context, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: title, detail: detail, extensions: extensions).ExecuteAsync(context);
}
