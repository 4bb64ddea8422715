namespace Accessibility.Api.Features.Sharing;

/// <summary>
/// The layers an API key can be given (the entities of DESIGN.md that are district data), and which route reads which.
/// Routes are classified here, in one table, by their endpoint name: a route that is not listed is not shared through
/// API keys at all (403), so a new route is closed to keys until someone decides what it shares.
/// </summary>
public static class SharedLayers
{
    /// <summary>Facilities of every kind (REST, OGC collections <c>facilities</c> and <c>facilities-{kind}</c>, exports).</summary>
    public const string Facilities = "facilities";

    /// <summary>Road segments (REST, OGC <c>road-segments</c>, exports).</summary>
    public const string Roads = "roads";

    /// <summary>Inspections with their answers and inspectors (REST, schedule, exports).</summary>
    public const string Inspections = "inspections";

    /// <summary>Defects with their history (REST, statistics, OGC <c>open-defects</c>, exports).</summary>
    public const string Defects = "defects";

    /// <summary>Public reports without contact data (Open311 reads, tracking view, OGC <c>public-reports</c>).</summary>
    public const string PublicReports = "public-reports";

    /// <summary>Household renovations as the public statistics only (counts below 5 suppressed); never a case.</summary>
    public const string RenovationStatistics = "renovation-statistics";

    /// <summary>Coverage indicators per district.</summary>
    public const string Coverage = "coverage";

    /// <summary>Plan targets.</summary>
    public const string PlanTargets = "plan-targets";

    /// <summary>
    /// Not a layer a key is given: the usage name of reference data every key reads (districts and boundaries, facility
    /// kinds, checklists, Open311 categories, OGC metadata, photos by id, health).
    /// </summary>
    public const string Reference = "reference";

    /// <summary>Every layer a key can be given.</summary>
    public static readonly IReadOnlyList<string> All =
        [Facilities, Roads, Inspections, Defects, PublicReports, RenovationStatistics, Coverage, PlanTargets];

    /// <summary>Routes by endpoint name: the layer they read, or <see cref="Reference"/>.</summary>
    private static readonly Dictionary<string, string> Routes = new(StringComparer.Ordinal)
    {
        ["ListFacilities"] = Facilities,
        ["GetFacility"] = Facilities,
        ["ListRoads"] = Roads,
        ["GetRoad"] = Roads,
        ["ListInspections"] = Inspections,
        ["GetInspection"] = Inspections,
        ["InspectionSchedule"] = Inspections,
        ["ListDefects"] = Defects,
        ["DefectStats"] = Defects,
        ["GetDefect"] = Defects,
        ["TrackReport"] = PublicReports,
        ["Open311GetRequests"] = PublicReports,
        ["Open311GetRequest"] = PublicReports,
        ["GetRenovationStatistics"] = RenovationStatistics,
        ["GetDistrictCoverage"] = Coverage,
        ["ListChildCoverage"] = Coverage,
        ["ListPlanTargets"] = PlanTargets,
        ["GetPlanTarget"] = PlanTargets,

        ["ListDistricts"] = Reference,
        ["DistrictsContainingPoint"] = Reference,
        ["GetDistrict"] = Reference,
        ["GetDistrictBoundary"] = Reference,
        ["ListChildBoundaries"] = Reference,
        ["ListFacilityKinds"] = Reference,
        ["ListChecklists"] = Reference,
        ["GetChecklist"] = Reference,
        ["GetRenovationWorkflow"] = Reference,
        ["ListRenovationItems"] = Reference,
        ["SuggestRenovationItems"] = Reference,
        ["Open311Discovery"] = Reference,
        ["Open311Services"] = Reference,
        ["Open311ServiceDefinition"] = Reference,
        ["OgcLandingPage"] = Reference,
        ["OgcConformance"] = Reference,
        ["OgcApiDefinition"] = Reference,
        ["OgcCollections"] = Reference,
        ["GetPhoto"] = Reference,
        ["GetPhotoThumbnail"] = Reference,
        ["GetConfig"] = Reference,
        ["Healthz"] = Reference,
        ["Readyz"] = Reference,
    };

    /// <summary>Export layers (<c>/api/v1/exports/{layer}.…</c>) by URL name.</summary>
    private static readonly Dictionary<string, string> ExportLayers = new(StringComparer.Ordinal)
    {
        ["facilities"] = Facilities,
        ["roads"] = Roads,
        ["districts"] = Reference,
        ["inspections"] = Inspections,
        ["defects"] = Defects,
    };

    /// <summary>Whether <paramref name="layer"/> is a layer a key can be given.</summary>
    public static bool IsLayer(string layer) => All.Contains(layer, StringComparer.Ordinal);

    /// <summary>
    /// The layer the request's route reads (or <see cref="Reference"/>), or null when the route is not shared through
    /// API keys (household cases, accounts, audit, the report queue, the worklist, tiles, imports…).
    /// </summary>
    public static string? Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var endpoint = http.GetEndpoint();
        var name = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        switch (name)
        {
            case "Export":
                return http.Request.RouteValues["layer"] is string layer ? ExportLayers.GetValueOrDefault(layer) : null;
            case "OgcCollection" or "OgcItems" or "OgcItem":
                return OgcCollection(http.Request.RouteValues["collectionId"] as string ?? "");
            case null:
                // The OpenAPI document has no endpoint name.
                return http.Request.Path.StartsWithSegments("/openapi", StringComparison.Ordinal) ? Reference : null;
            default:
                return Routes.GetValueOrDefault(name);
        }
    }

    /// <summary>The layer an OGC collection belongs to, or null for a collection not shared through keys.</summary>
    public static string? OgcCollection(string collectionId) => collectionId switch
    {
        "facilities" => Facilities,
        _ when collectionId.StartsWith("facilities-", StringComparison.Ordinal) => Facilities,
        "road-segments" => Roads,
        "open-defects" => Defects,
        "public-reports" => PublicReports,
        "districts" => Reference,
        _ => null,
    };
}
