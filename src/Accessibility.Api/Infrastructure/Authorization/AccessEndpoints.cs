using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;

namespace Accessibility.Api.Infrastructure.Authorization;

/// <summary>How endpoints declare their rule and ask for a decision on a record.</summary>
public static class AccessEndpoints
{
    /// <summary>
    /// Declares the route's rule (<see cref="AccessRule"/> metadata) and, unless the rule is public, requires it before the
    /// handler runs (401 for anonymous, 403 for a role the table does not admit). The district is checked per record by
    /// <see cref="AuthorizeAsync"/>.
    /// </summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, string kind, OperationAuthorizationRequirement operation)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(operation);
        var rule = new AccessRule(kind, operation.Name);
        if (!AccessRules.Table.TryGetValue((kind, operation.Name), out var row))
        {
            throw new InvalidOperationException("No row of the rule table for " + kind + " × " + operation.Name + ".");
        }

        builder.WithMetadata(rule);
        if (row.Public)
        {
            return builder;
        }

        var policy = new AuthorizationPolicyBuilder().AddRequirements(new RouteAccessRequirement(rule)).Build();
        return builder.RequireAuthorization(policy);
    }

    /// <summary>
    /// Asks <see cref="IAuthorizationService"/> whether the caller may do <paramref name="operation"/> on <paramref name="resource"/>;
    /// null when admitted, else the problem details to answer: 401 for anonymous, 403 naming the district otherwise.
    /// </summary>
    public static async Task<IResult?> AuthorizeAsync(this HttpContext http, OperationAuthorizationRequirement operation, RegistryResource resource)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(resource);
        var service = http.RequestServices.GetRequiredService<IAuthorizationService>();
        var result = await service.AuthorizeAsync(http.User, resource, operation);
        return result.Succeeded ? null : Refused(http, operation, resource);
    }

    /// <summary>Whether the caller may (for decisions that hide rather than refuse, e.g. a household case answered 404).</summary>
    public static async Task<bool> MayAsync(this HttpContext http, OperationAuthorizationRequirement operation, RegistryResource resource) =>
        await AuthorizeAsync(http, operation, resource) is null;

    /// <summary>The answer to a refused decision.</summary>
    public static IResult Refused(HttpContext http, OperationAuthorizationRequirement operation, RegistryResource resource)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(resource);
        var decision = AccessRules.Decide(http.User, operation.Name, resource);
        if (decision == AccessDecision.SignInRequired)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in required",
                detail: "Sign in to " + operation.Name + " this " + resource.Kind + ".");
        }

        if (Features.Sharing.ApiKeyScope.Of(http) is not null)
        {
            return resource.DistrictCode is { } code && decision == AccessDecision.OutsideScope
                ? Features.Sharing.ApiKeyScope.OutsideDistricts(code)
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not shared through API keys",
                    detail: "API keys read shared layers only; this needs a signed-in account.");
        }

        // A grid worker inside its districts but outside its grids is told so, not that the district is outside.
        if (decision == AccessDecision.OutsideScope && AccessRules.GridBoundRoles.Any(http.User.IsInRole)
            && resource.DistrictCode is { } county && Features.Auth.DistrictScope.Covers(AccessRules.Districts(http.User), county))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Outside your grids",
                detail: resource.GridCode is null
                    ? "This " + resource.Kind + " lies in no community grid; grid workers act only inside their own grids."
                    : "Community grid " + resource.GridCode + " is not one of your grids.",
                extensions: new Dictionary<string, object?> { ["districtCode"] = county, ["gridCode"] = resource.GridCode });
        }

        if (decision == AccessDecision.OutsideScope && resource.DistrictCode is { } district)
        {
            return OutsideDistricts(district);
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed to your role",
            detail: "Your role may not " + operation.Name + " a " + resource.Kind + (resource.DistrictCode is null ? "." : " in district " + resource.DistrictCode + "."),
            extensions: resource.DistrictCode is null ? null : new Dictionary<string, object?> { ["districtCode"] = resource.DistrictCode });
    }

    /// <summary>403 problem details naming the district outside the caller's scope.</summary>
    public static IResult OutsideDistricts(string districtCode) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Outside your districts",
        detail: "District " + districtCode + " is outside the districts you may change.",
        extensions: new Dictionary<string, object?> { ["districtCode"] = districtCode });
}
