using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;

namespace Accessibility.Api.Features.Audit;

/// <summary>
/// Appends audit entries to the same unit of work as the change they describe, so an entry is written
/// exactly when the change commits.
/// </summary>
public sealed class AuditLog(RegistryDbContext db, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds an entry for a change made by the request's user; saved with the next SaveChanges.</summary>
    public AuditEntry Record(HttpContext http, string action, string entityType, string entityId, object? before, object? after) =>
        Record(UserPrincipal.UserId(http.User), http.User.Identity?.Name ?? "anonymous", http.Connection.RemoteIpAddress?.ToString(),
            action, entityType, entityId, before, after);

    /// <summary>Adds an entry for a change made outside a request (command line, seeding).</summary>
    public AuditEntry Record(long? userId, string actor, string? remoteAddress, string action, string entityType, string entityId, object? before, object? after)
    {
        var entry = new AuditEntry
        {
            At = clock.GetUtcNow(),
            UserId = userId,
            Actor = actor,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Before = ToJson(before),
            After = ToJson(after),
            RemoteAddress = remoteAddress,
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    private static JsonObject? ToJson(object? value) => value switch
    {
        null => null,
        JsonObject o => (JsonObject)o.DeepClone(),
        _ => JsonSerializer.SerializeToNode(value, Json) as JsonObject,
    };
}
