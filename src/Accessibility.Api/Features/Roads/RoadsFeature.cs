namespace Accessibility.Api.Features.Roads;

/// <summary>Services of the road segments feature.</summary>
internal static class RoadsFeature
{
    /// <summary>The use cases endpoints and staff pages call.</summary>
    public static IServiceCollection AddRoads(this IServiceCollection services) => services
        .AddScoped<CreateRoad>()
        .AddScoped<UpdateRoad>()
        .AddScoped<DeleteRoad>();
}
