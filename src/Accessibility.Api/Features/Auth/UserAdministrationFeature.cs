namespace Accessibility.Api.Features.Auth;

/// <summary>User administration's use cases, shared by <c>/api/v1/users</c> and the staff pages.</summary>
internal static class UserAdministrationFeature
{
    /// <summary>One service per use case.</summary>
    public static IServiceCollection AddUserAdministration(this IServiceCollection services)
    {
        services.AddScoped<ListUsers>();
        services.AddScoped<CreateUser>();
        services.AddScoped<UpdateUser>();
        services.AddScoped<UnlockUser>();
        services.AddScoped<ResetUserPassword>();
        return services;
    }
}
