using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Audit;

/// <summary>One change to a record: who, when, from where, before and after. Append-only.</summary>
public sealed class AuditEntry
{
    /// <summary>Identifier, increasing.</summary>
    public long Id { get; set; }

    /// <summary>When the change was committed.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>User id, null for anonymous or system changes.</summary>
    public long? UserId { get; set; }

    /// <summary>User name at the time, or <c>system</c>.</summary>
    public required string Actor { get; set; }

    /// <summary>create, update, delete, login…</summary>
    public required string Action { get; set; }

    /// <summary>Entity type, e.g. facility.</summary>
    public required string EntityType { get; set; }

    /// <summary>Entity id as text.</summary>
    public required string EntityId { get; set; }

    /// <summary>State before the change (null on create).</summary>
    public JsonObject? Before { get; set; }

    /// <summary>State after the change (null on delete).</summary>
    public JsonObject? After { get; set; }

    /// <summary>Remote address of the request.</summary>
    public string? RemoteAddress { get; set; }
}
