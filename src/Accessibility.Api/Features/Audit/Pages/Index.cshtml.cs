using System.Globalization;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Features.Audit.Pages;

/// <summary>Searching the audit log of the caller's districts, newest first: the same use case as <c>GET /api/v1/audit</c>.</summary>
[StaffAccess(ResourceKinds.Audit, "read")]
public sealed class IndexModel(SearchAuditLog search, IStringLocalizer text) : StaffPageModel
{
    private const int PageSize = 50;

    /// <summary>Entity type searched for.</summary>
    [BindProperty(SupportsGet = true)]
    public string? EntityType { get; set; }

    /// <summary>Record id searched for.</summary>
    [BindProperty(SupportsGet = true)]
    public string? EntityId { get; set; }

    /// <summary>User name searched for.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    /// <summary>Page of results (from 1).</summary>
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>The results.</summary>
    public AuditSearchResult? Result { get; private set; }

    /// <summary>Link to the previous page of results.</summary>
    public string? PreviousUrl { get; private set; }

    /// <summary>Link to the next page of results.</summary>
    public string? NextUrl { get; private set; }

    /// <summary>The newest entries matching the search.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        PageNumber = Math.Clamp(PageNumber, 1, 10_000);
        var offset = ((PageNumber - 1) * PageSize).ToString(CultureInfo.InvariantCulture);
        var outcome = await search.RunAsync(HttpContext, Clean(EntityType), Clean(EntityId), Clean(Actor),
            PageSize.ToString(CultureInfo.InvariantCulture), offset, true, ct);
        switch (outcome.Kind)
        {
            case OutcomeKind.Done:
                Result = outcome.Value;
                PreviousUrl = PageNumber > 1 ? Link(PageNumber - 1) : null;
                NextUrl = (long)PageNumber * PageSize < Result!.NumberMatched ? Link(PageNumber + 1) : null;
                return Page();
            case OutcomeKind.Refused:
                return ForbiddenPage();
            default:
                AddServiceErrors(outcome.Errors!.ToDictionary(), prefix: "");
                return Page();
        }
    }

    /// <summary>The name of an entity type.</summary>
    public string EntityName(string entityType) => AuditPageText.Entity(text, entityType);

    /// <summary>The name of an action.</summary>
    public string ActionName(string action) => AuditPageText.Action(text, action);

    /// <summary>A time as the clerk reads it.</summary>
    public string Local(DateTimeOffset at) => AuditPageText.Local(at);

    private string Link(int page)
    {
        var query = new QueryBuilder();
        foreach (var (key, value) in new[] { ("entityType", Clean(EntityType)), ("entityId", Clean(EntityId)), ("actor", Clean(Actor)) })
        {
            if (value is not null)
            {
                query.Add(key, value);
            }
        }

        query.Add("p", page.ToString(CultureInfo.InvariantCulture));
        return "/staff/audit" + query.ToQueryString();
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
