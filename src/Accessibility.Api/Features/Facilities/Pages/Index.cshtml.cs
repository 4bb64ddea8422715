using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Roads;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace Accessibility.Api.Features.Facilities.Pages;

/// <summary>
/// The facilities (and road segments) of the caller's districts, found by kind, status and name: the query of
/// <c>GET /api/v1/facilities</c>, limited to the districts the caller may change (<see cref="ReadScope"/>).
/// </summary>
[StaffAccess(ResourceKinds.Facility, "create")]
public sealed class IndexModel(NpgsqlDataSource dataSource, FacilityKindCatalog catalog, IStringLocalizer text) : FacilityPageModel(text)
{
    private const int PageSize = 50;

    /// <summary>Kind filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    /// <summary>Status filter.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>Text the name contains.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    /// <summary>Rows skipped.</summary>
    [BindProperty(SupportsGet = true)]
    public int Offset { get; set; }

    /// <summary>The facilities of this page.</summary>
    public JsonArray Facilities { get; private set; } = [];

    /// <summary>How many match.</summary>
    public long Matched { get; private set; }

    /// <summary>The latest road segments of the districts.</summary>
    public JsonArray Roads { get; private set; } = [];

    /// <summary>How many road segments there are.</summary>
    public long RoadsMatched { get; private set; }

    /// <summary>The kinds.</summary>
    public IReadOnlyList<FacilityKind> Kinds => catalog.Kinds;

    /// <summary>The statuses.</summary>
    public IReadOnlyList<CodedValue> Statuses => catalog.Statuses;

    /// <summary>Whether there is a previous page.</summary>
    public bool HasPrevious => Offset > 0;

    /// <summary>Whether there is a next page.</summary>
    public bool HasNext => Offset + PageSize < Matched;

    /// <summary>The name of a kind.</summary>
    public string KindName(string? code) => code is not null && catalog.TryGet(code, out var kind) ? Label(kind.Names) : code ?? "";

    /// <summary>The label of a status.</summary>
    public string StatusName(string? code) => catalog.Statuses.FirstOrDefault(s => s.Code == code) is { } s ? Label(s.Labels) : code ?? "";

    /// <summary>The label of a road class.</summary>
    public string RoadClassName(string? code) => catalog.RoadClasses.FirstOrDefault(s => s.Code == code) is { } s ? Label(s.Labels) : code ?? "";

    /// <summary>The URL of the page at <paramref name="offset"/> with the same filters.</summary>
    public string PageUrl(int offset) => QueryString.Create(new Dictionary<string, string?>
    {
        ["kind"] = Kind,
        ["status"] = Status,
        ["q"] = Q,
        ["offset"] = offset.ToString(CultureInfo.InvariantCulture),
    }.Where(p => !string.IsNullOrEmpty(p.Value))).ToUriComponent() is var query ? FacilityPaths.List + query : FacilityPaths.List;

    /// <summary>Lists one page.</summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        // Unknown filter values are ignored (a stale bookmark), never an error page.
        Kind = Kind is not null && catalog.TryGet(Kind, out _) ? Kind : null;
        Status = Status is not null && catalog.IsStatus(Status) ? Status : null;
        Q = string.IsNullOrWhiteSpace(Q) ? null : Q.Trim()[..Math.Min(Q.Trim().Length, 200)];
        Offset = Math.Max(0, Offset);

        var scope = ReadScope.For(HttpContext, ResourceKinds.Facility, Operations.Update);
        var links = new PageLinks(FacilityPaths.List, FacilityPaths.List, FacilityPaths.List);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var facilities = JsonNode.Parse(await FacilitySql.FeatureCollectionAsync(
            connection, new FeatureQuery(null, null, Kind, Status, PageSize, Offset, Q, null, null, scope), links, ct))!;
        Facilities = facilities["features"]!.AsArray();
        Matched = (long?)facilities["numberMatched"] ?? Facilities.Count;

        var roadScope = ReadScope.For(HttpContext, ResourceKinds.Road, Operations.Update);
        var roads = JsonNode.Parse(await RoadSql.FeatureCollectionAsync(
            connection, new FeatureQuery(null, null, null, null, 20, 0, null, null, null, roadScope), links, ct))!;
        Roads = roads["features"]!.AsArray();
        RoadsMatched = (long?)roads["numberMatched"] ?? Roads.Count;
    }
}
