using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace Accessibility.Api.Infrastructure.Staff;

/// <summary>
/// The access rule of a staff workspace page (kind × operation of <see cref="AccessRules"/>), as <c>RequireAccess</c> is for
/// an API route: the page is for signed-in staff whom the rule admits somewhere; the record a page shows is then decided
/// per district with <c>HttpContext.AuthorizeAsync</c>, as the API does.
/// </summary>
/// <param name="kind">One of <see cref="ResourceKinds"/>.</param>
/// <param name="operation">An operation's name (<c>Operations.X.Name</c>: "read", "create", …).</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StaffAccessAttribute(string kind, string operation) : Attribute, IAuthorizationRequirementData
{
    /// <summary>The rule, as API routes carry it.</summary>
    public AccessRule Rule { get; } = AccessRules.Exists(kind, operation)
        ? new AccessRule(kind, operation)
        : throw new InvalidOperationException("No row of the rule table for " + kind + " × " + operation + ".");

    /// <inheritdoc />
    public IEnumerable<IAuthorizationRequirement> GetRequirements()
    {
        // Even a rule the public passes (reading facilities) is a staff page here: sign-in first.
        yield return new DenyAnonymousAuthorizationRequirement();
        yield return new RouteAccessRequirement(Rule);
    }
}

/// <summary>
/// Gives every page's endpoint its <see cref="AccessRule"/> metadata (what the authorization matrix test reads), and
/// refuses to start with a page that declares neither a rule nor <c>[AllowAnonymous]</c>.
/// </summary>
internal sealed class StaffAccessConvention : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        var access = model.HandlerTypeAttributes.OfType<StaffAccessAttribute>().SingleOrDefault();
        if (access is not null)
        {
            model.EndpointMetadata.Add(access.Rule);
            return;
        }

        if (!model.HandlerTypeAttributes.OfType<IAllowAnonymous>().Any())
        {
            throw new InvalidOperationException(
                $"The page {model.RelativePath} declares no access rule: add [StaffAccess(kind, operation)] or [AllowAnonymous] to its model.");
        }
    }
}
