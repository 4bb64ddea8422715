using Accessibility.Api.Features.Facilities;

namespace Accessibility.Api.Features.Projects;

/// <summary>Services of the construction-projects feature.</summary>
internal static class ProjectsFeature
{
    /// <summary>The project-type catalogue, the reader and the use cases endpoints and staff pages call.</summary>
    public static IServiceCollection AddProjects(this IServiceCollection services) => services
        .AddSingleton(sp => ProjectTypeCatalog.Load(
            Path.Combine(sp.GetRequiredService<RegistryPaths>().DataDir, "project-types.json"),
            sp.GetRequiredService<FacilityKindCatalog>()))
        .AddScoped<ProjectReader>()
        .AddScoped<RegisterProject>()
        .AddScoped<UpdateProject>()
        .AddScoped<AddPlannedFacility>()
        .AddScoped<UpdatePlannedFacility>()
        .AddScoped<RemovePlannedFacility>()
        .AddScoped<MoveProjectStage>()
        .AddScoped<RecordProjectCheck>()
        .AddScoped<RecordProjectWaiver>()
        .AddScoped<AcceptProject>()
        .AddScoped<UploadProjectDocument>();
}
