using Accessibility.Api.Features.Auth;

namespace Accessibility.Api.Features;

/// <summary>One line per feature: its services, and its endpoints.</summary>
internal static class FeatureRegistration
{
    public static IServiceCollection AddRegistryFeatures(this IServiceCollection services)
    {
        services.AddRegistryAuthentication();
        return services;
    }

    public static WebApplication UseRegistryAuth(this WebApplication app)
    {
        app.UseRegistryAuthentication();
        return app;
    }

    public static IEndpointRouteBuilder MapRegistryFeatures(this IEndpointRouteBuilder app)
    {
        app.MapAuthEndpoints();
        app.MapUsersEndpoints();
        return app;
    }
}
