namespace Accessibility.Api.Features.Patrols;

/// <summary>Patrols (巡查) of the community grids: the use case shared by the API and the grid worker's pages.</summary>
internal static class PatrolsFeature
{
    /// <summary>One service per use case.</summary>
    public static IServiceCollection AddPatrols(this IServiceCollection services)
    {
        services.AddScoped<RecordPatrol>();
        return services;
    }
}
