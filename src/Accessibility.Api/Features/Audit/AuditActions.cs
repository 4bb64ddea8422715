namespace Accessibility.Api.Features.Audit;

/// <summary>Action names used in audit entries.</summary>
public static class AuditActions
{
    /// <summary>A record was created.</summary>
    public const string Create = "create";

    /// <summary>A record was changed.</summary>
    public const string Update = "update";

    /// <summary>A record was (soft-)deleted.</summary>
    public const string Delete = "delete";
}
