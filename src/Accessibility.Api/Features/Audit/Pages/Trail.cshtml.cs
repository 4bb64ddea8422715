using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Audit.Pages;

/// <summary>
/// The audit trail of one record, readable: the same use case as <c>GET /api/v1/audit/{entityType}/{entityId}</c>. Other
/// pages link here as <c>/staff/audit/{entity}/{id}</c> (entity as the log names it, e.g. facility, plan_target).
/// </summary>
[StaffAccess(ResourceKinds.Audit, "read")]
public sealed class TrailModel(ReadRecordTrail read, IStringLocalizer text) : StaffPageModel
{
    /// <summary>Entity type.</summary>
    [FromRoute]
    public string Entity { get; set; } = "";

    /// <summary>Record id.</summary>
    [FromRoute]
    public string Id { get; set; } = "";

    /// <summary>The trail.</summary>
    public RecordTrail? Trail { get; private set; }

    /// <summary>Shows the trail, if the record lies in the caller's districts.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var outcome = await read.RunAsync(HttpContext, Entity, Id, ct);
        Trail = outcome.Value;
        return outcome.Kind switch
        {
            OutcomeKind.Done => Page(),
            OutcomeKind.Refused => ForbiddenPage(),
            _ => NotFoundPage(),
        };
    }

    /// <summary>The name of an entity type.</summary>
    public string EntityName(string entityType) => AuditPageText.Entity(text, entityType);

    /// <summary>The name of an action.</summary>
    public string ActionName(string action) => AuditPageText.Action(text, action);

    /// <summary>A time as the clerk reads it.</summary>
    public string Local(DateTimeOffset at) => AuditPageText.Local(at);
}
