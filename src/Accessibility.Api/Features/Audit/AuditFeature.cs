namespace Accessibility.Api.Features.Audit;

/// <summary>The audit log's readers: its use cases, shared by the API and the staff pages.</summary>
internal static class AuditFeature
{
    /// <summary>One service per use case.</summary>
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddScoped<SearchAuditLog>();
        services.AddScoped<ReadRecordTrail>();
        return services;
    }
}
