namespace Accessibility.Api.Features.Defects;

/// <summary>Services of the defects feature: one per use case, shared by the API and the staff pages.</summary>
internal static class DefectsFeature
{
    /// <summary>The board (reads) and the lifecycle steps.</summary>
    public static IServiceCollection AddDefects(this IServiceCollection services)
    {
        services.AddScoped<DefectBoard>();
        services.AddScoped<DefectTransition>();
        services.AddScoped<AssignDefect>();
        services.AddScoped<FixDefect>();
        services.AddScoped<RejectDefect>();
        return services;
    }
}
