using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Audit.Pages;

/// <summary>How the audit pages name entity types and actions and show times: from the catalogue, else as stored.</summary>
public static class AuditPageText
{
    /// <summary>China Standard Time: the registry's clerks read local times.</summary>
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>Entity types offered in the search, as the log names them.</summary>
    public static readonly IReadOnlyList<string> EntityTypes =
        ["facility", "road", "inspection", "defect", "report", "photo", "plan_target", "user", "api_key", "api_token", "district", "renovation_case", "renovation_budget", "renovation_settings", "facility-import"];

    /// <summary>The catalogue's name of <paramref name="entityType"/>, or the type itself.</summary>
    public static string Entity(IStringLocalizer text, string entityType) => Named(text, "audit.entity." + entityType, entityType);

    /// <summary>The catalogue's name of <paramref name="action"/>, or the action itself.</summary>
    public static string Action(IStringLocalizer text, string action) => Named(text, "audit.action." + action, action);

    /// <summary>A time in China Standard Time, as yyyy-MM-dd HH:mm:ss.</summary>
    public static string Local(DateTimeOffset at) =>
        at.ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Named(IStringLocalizer text, string key, string fallback)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = text[key];
        return found.ResourceNotFound ? fallback : found.Value;
    }
}
