using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Audit;

/// <summary>The effective time of a change in its audit entry: who entered it and when stay the entry's own fields.</summary>
public static class AuditEffectiveTime
{
    /// <summary>
    /// Records <paramref name="validFrom"/>, when the change took effect (a late entry, docs/history.md), in the entry's
    /// <c>after</c> as <c>validFrom</c>; nothing when the change took effect as it was entered.
    /// </summary>
    public static AuditEntry WithValidFrom(this AuditEntry entry, DateTimeOffset? validFrom)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (validFrom is { } v)
        {
            entry.After ??= [];
            entry.After["validFrom"] = JsonValue.Create(v.UtcDateTime);
        }

        return entry;
    }
}
