namespace Accessibility.Api.Features.Renovations;

/// <summary>Services of the renovations feature.</summary>
public static class RenovationFeature
{
    /// <summary>Registers the item catalogue and the personal data protector (checked when the host starts) and the use cases.</summary>
    public static IServiceCollection AddRenovations(this IServiceCollection services)
    {
        services.AddSingleton(sp => new RenovationItemCatalog(Path.Combine(sp.GetRequiredService<RegistryPaths>().DataDir, "renovation-items.json")));
        services.AddSingleton(sp =>
        {
            var environment = sp.GetRequiredService<IHostEnvironment>();
            return PersonalDataProtector.FromConfiguration(sp.GetRequiredService<IConfiguration>(), environment, environment.ContentRootPath);
        });
        // The use cases, called alike by the API's endpoints and the staff pages.
        services.AddScoped<ListRenovationCases>();
        services.AddScoped<ReadRenovationCase>();
        services.AddScoped<RegisterRenovationCase>();
        services.AddScoped<EditRenovationCase>();
        services.AddScoped<TransitionRenovationCase>();
        services.AddScoped<ExportRenovationCases>();
        services.AddScoped<MapRenovationCases>();
        services.AddScoped<RenovationPriority>();
        services.AddScoped<PlanRenovations>();
        services.AddScoped<DistrictRenovationSettings>();
        services.AddScoped<RenovationBudgets>();
        services.AddScoped<PublishRenovationStatistics>();
        services.AddScoped<SuggestRenovationItems>();
        services.AddScoped<LocateRenovationHousehold>();
        services.AddScoped<RenovationDistricts>();
        services.AddHostedService<StartupCheck>();
        return services;
    }

    /// <summary>Fails start-up with a clear message when the personal data key is missing or malformed, rather than on the first case.</summary>
    private sealed class StartupCheck(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<PersonalDataProtector>();
            services.GetRequiredService<RenovationItemCatalog>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
