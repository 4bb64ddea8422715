namespace Accessibility.Api.Features.Facilities;

/// <summary>Services of the facilities feature.</summary>
internal static class FacilitiesFeature
{
    /// <summary>The use cases endpoints and staff pages call, and the attribute forms of the kinds.</summary>
    public static IServiceCollection AddFacilities(this IServiceCollection services) => services
        .AddScoped<CreateFacility>()
        .AddScoped<UpdateFacility>()
        .AddScoped<ChangeFacilityStatus>()
        .AddScoped<DeleteFacility>()
        .AddScoped<AttachFacilityPhoto>()
        .AddSingleton<FacilityForms>();
}
