namespace Accessibility.Api.Features.PlanTargets;

/// <summary>Plan targets (规划指标): their use cases, shared by the API and the staff pages.</summary>
internal static class PlanTargetsFeature
{
    /// <summary>One service per use case.</summary>
    public static IServiceCollection AddPlanTargets(this IServiceCollection services)
    {
        services.AddScoped<ListPlanTargets>();
        services.AddScoped<GetPlanTarget>();
        services.AddScoped<CreatePlanTarget>();
        services.AddScoped<UpdatePlanTarget>();
        services.AddScoped<RetirePlanTarget>();
        services.AddScoped<Districts.DistrictChoices>();
        return services;
    }
}
