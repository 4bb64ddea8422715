using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace Accessibility.Api.Features.Auth;

/// <summary>Authentication (cookie for the page, bearer tokens for API clients) and authorization policies.</summary>
public static class AuthFeature
{
    private const string Combined = "Registry";

    /// <summary>Registers the schemes, policies and account services.</summary>
    public static IServiceCollection AddRegistryAuthentication(this IServiceCollection services)
    {
        services.AddScoped<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddScoped<UserAccounts>();
        services.AddAuthentication(Combined)
            .AddPolicyScheme(Combined, "Token or cookie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? TokenAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = "acr_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                // An API never redirects to a login page: it answers 401/403.
                o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Write, p => p.RequireAuthenticatedUser().RequireRole(Roles.All))
            .AddPolicy(Policies.Administer, p => p.RequireAuthenticatedUser().RequireRole(Roles.DistrictAdmin, Roles.SystemAdmin))
            .AddPolicy(Policies.SystemAdmin, p => p.RequireAuthenticatedUser().RequireRole(Roles.SystemAdmin));
        services.AddAntiforgery(o => o.HeaderName = "X-CSRF-TOKEN");
        return services;
    }

    /// <summary>Adds authentication, authorization and antiforgery to the pipeline.</summary>
    public static WebApplication UseRegistryAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }
}
