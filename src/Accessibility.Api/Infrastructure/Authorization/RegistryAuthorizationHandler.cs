using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;

namespace Accessibility.Api.Infrastructure.Authorization;

/// <summary>The route-level requirement a route's <see cref="AccessRule"/> adds: may the caller do this to this kind anywhere.</summary>
/// <param name="Rule">The route's rule.</param>
public sealed record RouteAccessRequirement(AccessRule Rule) : IAuthorizationRequirement;

/// <summary>
/// The one authorization handler: decides <see cref="OperationAuthorizationRequirement"/>s on a
/// <see cref="RegistryResource"/> (per record) and <see cref="RouteAccessRequirement"/>s (per route, before a record is
/// loaded) by <see cref="AccessRules.Decide"/>.
/// </summary>
public sealed class RegistryAuthorizationHandler : IAuthorizationHandler
{
    /// <inheritdoc />
    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var requirement in context.PendingRequirements.ToList())
        {
            var allowed = requirement switch
            {
                OperationAuthorizationRequirement operation when context.Resource is RegistryResource resource =>
                    AccessRules.Allows(context.User, operation.Name, resource),
                RouteAccessRequirement route =>
                    AccessRules.Allows(context.User, route.Rule.Operation, new RegistryResource(route.Rule.Kind, null)),
                _ => (bool?)null,
            };
            if (allowed == true)
            {
                context.Succeed(requirement);
            }
        }

        return Task.CompletedTask;
    }
}
