namespace Accessibility.Api.Features.Projects.Pages;

/// <summary>Services of the construction project staff pages.</summary>
internal static class ProjectPagesFeature
{
    /// <summary>The pages' adapter to the project use cases.</summary>
    public static IServiceCollection AddProjectPages(this IServiceCollection services) => services.AddScoped<ProjectPagesAdapter>();
}
