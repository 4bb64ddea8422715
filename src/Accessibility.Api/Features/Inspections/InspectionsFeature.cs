using Accessibility.Api.Features.Facilities;

namespace Accessibility.Api.Features.Inspections;

/// <summary>Services of the inspections and defects features.</summary>
internal static class InspectionsFeature
{
    /// <summary>The checklist catalog (validated against the facility kinds when first resolved) and the recorder.</summary>
    public static IServiceCollection AddInspections(this IServiceCollection services)
    {
        services.AddSingleton(sp => ChecklistCatalog.Load(
            Path.Combine(sp.GetRequiredService<RegistryPaths>().DataDir, "checklists.json"),
            sp.GetRequiredService<FacilityKindCatalog>()));
        services.AddScoped<InspectionRecorder>();
        services.AddScoped<SubmitInspection>();
        return services;
    }
}
