using System.Data;
using System.Globalization;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.Net.Http.Headers;
using NetTopologySuite.IO.Esri;
using Npgsql;

namespace Accessibility.Api.Features.Exports;

/// <summary>
/// <c>/api/v1/exports/{layer}.{geojson|csv|zip}</c>: every public record of a layer (facilities, roads,
/// districts) that the list endpoint's filters select, and the inspection and defect records of the caller's districts
/// (district administrators, system administrators, API keys with the layer), as GeoJSON, CSV (UTF-8 with BOM) or
/// zipped Shapefile (CGCS2000 <c>.prj</c>, UTF-8 <c>.cpg</c>). Streamed: rows are written as they are read.
/// </summary>
public static class ExportEndpoints
{
    /// <summary>Maps the export route.</summary>
    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/exports/{layer}.{format}", Export)
            .WithName("Export").RequireAccess(ResourceKinds.Facility, Operations.Read)
            .WithTags("Exports")
            .WithSummary("Exports facilities, roads or districts (public), or inspections or defects of the caller's districts (district administrators, system administrators, API keys), as geojson, csv (UTF-8 with BOM) or zip (Shapefile; shp is the same), with the list endpoint's filters (a parameter the layer does not take is a 400), streamed.")
            .WithQueryParameters(AllParameters())
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapA11yJsonExport();
        return app;
    }

    private static async Task<IResult> Export(
        string layer, string format, HttpContext http, NpgsqlDataSource dataSource, FacilityKindCatalog kinds, TimeProvider clock, CancellationToken ct)
    {
        var records = ExportSql.RecordLayers.ContainsKey(layer);
        if ((ExportSql.RecordLayers.GetValueOrDefault(layer) ?? ExportSql.Layers.GetValueOrDefault(layer)) is not { } exportLayer)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: "No layer " + layer + ". Expected one of: " + string.Join(", ", ExportSql.Layers.Keys.Concat(ExportSql.RecordLayers.Keys)) + ".");
        }

        ExportFormat? parsed = format switch
        {
            "geojson" => ExportFormat.GeoJson,
            "csv" => ExportFormat.Csv,
            "zip" or "shp" => ExportFormat.Shapefile,
            _ => null,
        };
        if (parsed is not { } fileFormat)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: "No format " + format + ". Expected geojson, csv or zip (Shapefile; shp is the same zip).");
        }

        // Inspections and defects (with staff names) are exported by the rule table's export row: district and system
        // administrators, and API keys with the layer; each to the districts it may read, as one SQL condition.
        var recordKind = layer == "inspections" ? ResourceKinds.Inspection : ResourceKinds.Defect;
        if (records && await http.AuthorizeAsync(Operations.Export, new RegistryResource(recordKind, null)) is { } denied)
        {
            return denied;
        }

        var recordScope = ReadScope.For(http, recordKind, Operations.Export);

        var errors = new FieldErrors();
        IResult? refused = null;
        var filter = records ? ParseRecordFilter(http, layer, recordScope, errors, out refused) : ParseFilter(http.Request, layer, errors);
        if (refused is not null)
        {
            return refused;
        }

        if (filter is null)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, "One or more query parameters are not acceptable.");
        }

        var fileName = layer + "-" + clock.GetUtcNow().ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "." + (fileFormat == ExportFormat.Shapefile ? "zip" : format);
        var response = http.Response;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = ExportSql.Command(connection, exportLayer, filter, fileFormat);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName, FileName = fileName }.ToString();
        response.Headers.CacheControl = "no-store";
        switch (fileFormat)
        {
            case ExportFormat.GeoJson:
                response.ContentType = RawJsonResult.GeoJson + "; charset=utf-8";
                await ExportWriters.GeoJsonAsync(reader, response.Body, layer, ct);
                break;
            case ExportFormat.Csv:
                response.ContentType = "text/csv; charset=utf-8; header=present";
                await ExportWriters.CsvAsync(reader, response.Body, exportLayer, ct);
                break;
            default:
                var work = Directory.CreateTempSubdirectory("acc-export-");
                try
                {
                    var shapes = work.CreateSubdirectory("shp");
                    var zip = Path.Combine(work.FullName, fileName);
                    var (defaultType, mixed) = layer switch
                    {
                        "facilities" => (ShapeType.Point, true),
                        "roads" => (ShapeType.PolyLine, false),
                        "inspections" or "defects" => (ShapeType.Point, false),
                        _ => (ShapeType.Polygon, false),
                    };
                    await ExportWriters.ShapefileZipAsync(reader, exportLayer, defaultType, mixed, kinds, shapes.FullName, zip, ct);
                    response.ContentType = "application/zip";
                    await response.SendFileAsync(zip, ct);
                }
                finally
                {
                    work.Delete(recursive: true);
                }

                break;
        }

        return Results.Empty;
    }

    /// <summary>The filters of the districts export.</summary>
    private static readonly QueryParameterDoc[] DistrictParameters =
    [
        new("parent", "Districts: GB/T 2260 code of the parent district."),
        new("level", "Districts: province, prefecture, county or township.", Values: ["province", "prefecture", "county", "township"]),
        new("q", "Districts: text the name contains."),
    ];

    private static readonly QueryParameterDoc[] InspectionParameters =
    [
        new("facility", "Inspections: the facility id.", "integer"),
        new("district", "Inspections and defects: GB/T 2260 code of a county or township."),
    ];

    private static readonly QueryParameterDoc[] DefectParameters =
    [
        new("district", "Inspections and defects: GB/T 2260 code of a county or township."),
        new("facility", "Defects: the facility id.", "integer"),
        new("status", "Defects: status (as the defect list)."),
        new("severity", "Defects: severity (as the defect list)."),
        new("overdue", "Defects: true for overdue ones only.", Values: ["true", "false"]),
        new("managingUnit", "Defects: the managing unit."),
    ];

    /// <summary>Every parameter of the export route, for its OpenAPI description (each layer takes its own; others are a 400).</summary>
    private static IEnumerable<QueryParameterDoc> AllParameters() =>
        FeatureListRequest.Parameters(FeatureLayer.Facilities, FeatureRoute.Export)
            .Concat(FeatureListRequest.Parameters(FeatureLayer.Roads, FeatureRoute.Export))
            .Select(p => p with { Description = (p.Name is "kind" or "inspectionState" ? "Facilities: " : p.Name == "roadClass" ? "Roads: " : "Facilities and roads: ") + p.Description })
            .Concat(DistrictParameters).Concat(InspectionParameters).Concat(DefectParameters)
            .DistinctBy(p => p.Name);

    /// <summary>The list filters of inspections (facility, district) or defects (as their list); a district outside a district administrator's is 403.</summary>
    private static ExportFilter? ParseRecordFilter(HttpContext http, string layer, ReadScope scope, FieldErrors errors, out IResult? refused)
    {
        refused = null;
        var q = http.Request.Query;
        FeatureListRequest.RefuseUnknown(
            q, (layer == "inspections" ? InspectionParameters : DefectParameters).Select(p => p.Name).Append(ApiKeyAuthenticationHandler.QueryParameter).ToArray(), errors);
        var listErrors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        InspectionExportFilter? inspections = null;
        DefectFilter? defects = null;
        if (layer == "inspections")
        {
            var prefix = InspectionEndpoints.DistrictPrefix(q["district"], listErrors);
            long? facility = null;
            if (q["facility"].ToString() is { Length: > 0 } f)
            {
                if (long.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    facility = id;
                }
                else
                {
                    listErrors["facility"] = ["Expected a facility id."];
                }
            }

            inspections = new InspectionExportFilter(facility, prefix);
        }
        else
        {
            defects = DefectEndpoints.ParseFilter(q, listErrors);
        }

        errors.AddRange(listErrors.Where(e => !errors.Has(e.Key)));
        if (!errors.IsEmpty)
        {
            return null;
        }

        if (DistrictCodes.TryNormalize(q["district"].ToString(), out var named) && !scope.Covers(named))
        {
            refused = AccessEndpoints.Refused(http, Operations.Export,
                RegistryResource.In(layer == "inspections" ? ResourceKinds.Inspection : ResourceKinds.Defect, named));
            return null;
        }

        return new ExportFilter(null, null, null, null, inspections, defects, scope.LikePatterns);
    }

    /// <summary>The list filters of facilities or roads, or those of districts (shared by every public export format).</summary>
    internal static ExportFilter? ParseFilter(HttpRequest request, string layer, FieldErrors errors)
    {
        if (layer != "districts")
        {
            var features = FeatureListRequest.TryParse(request, layer == "roads" ? FeatureLayer.Roads : FeatureLayer.Facilities, FeatureRoute.Export, errors);
            return features is null ? null : new ExportFilter(features, null, null, null);
        }

        var q = request.Query;
        FeatureListRequest.RefuseUnknown(q, DistrictParameters.Select(p => p.Name).Append(ApiKeyAuthenticationHandler.QueryParameter).ToArray(), errors);
        string? parent = null;
        if (q["parent"].ToString() is { Length: > 0 } parentText && !DistrictCodes.TryNormalize(parentText, out parent!))
        {
            errors.Add("parent", "Expected a GB/T 2260 code (2, 4, 6 or 9 digits).");
        }

        DistrictLevel? level = null;
        if (q["level"].ToString() is { Length: > 0 } levelText)
        {
            level = levelText switch
            {
                "province" => DistrictLevel.Province,
                "prefecture" => DistrictLevel.Prefecture,
                "county" => DistrictLevel.County,
                "township" => DistrictLevel.Township,
                _ => null,
            };
            if (level is null)
            {
                errors.Add("level", "Expected province, prefecture, county or township.");
            }
        }

        var name = q["q"].ToString().Trim();
        return errors.IsEmpty ? new ExportFilter(null, parent, level, name.Length == 0 ? null : name) : null;
    }
}
