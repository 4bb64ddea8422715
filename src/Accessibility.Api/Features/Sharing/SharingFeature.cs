namespace Accessibility.Api.Features.Sharing;

/// <summary>Data sharing (联通共享): departments' read-only API keys, their scope and their usage.</summary>
internal static class SharingFeature
{
    /// <summary>Key management and the usage counters (written in the background).</summary>
    public static IServiceCollection AddSharing(this IServiceCollection services)
    {
        services.AddOptions<SharingOptions>().BindConfiguration(SharingOptions.Section);
        services.AddScoped<ApiKeys>();
        services.AddScoped<ListApiKeys>();
        services.AddScoped<IssueApiKey>();
        services.AddScoped<RevokeApiKey>();
        services.AddScoped<ReadApiKeyUsage>();
        services.AddSingleton<ApiKeyUsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyUsageRecorder>());
        return services;
    }
}
