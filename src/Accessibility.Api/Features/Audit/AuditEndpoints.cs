
namespace Accessibility.Api.Features.Audit;

/// <summary><c>/api/v1/audit</c>: the append-only log, read-only (no update or delete endpoint exists).</summary>
public static class AuditEndpoints
{
    /// <summary>Maps the audit routes.</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
