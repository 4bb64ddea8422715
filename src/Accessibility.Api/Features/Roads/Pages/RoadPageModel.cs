using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Facilities.Pages;
using Accessibility.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Roads.Pages;

/// <summary>
/// What the road segment forms share: the typed coordinates list (the no-script way; facilities.js draws and edits the
/// line on a map and writes it back into the list), the request for the use cases, and their errors on the fields.
/// </summary>
public abstract class RoadPageModel(FacilityKindCatalog catalog, IOptions<RegistryOptions> options, IStringLocalizer text) : FacilityPageModel(text)
{
    /// <summary>The form.</summary>
    [BindProperty]
    public RoadFormInput Input { get; set; } = new();

    /// <summary>The road classes.</summary>
    public IReadOnlyList<CodedValue> RoadClasses => catalog.RoadClasses;

    /// <summary>The statuses.</summary>
    public IReadOnlyList<CodedValue> Statuses => catalog.Statuses;

    /// <summary>The tactile paving values.</summary>
    public static IReadOnlyList<string> TactilePavingValues => RoadInput.TactilePavingValues;

    /// <summary>The configured basemap.</summary>
    public RegistryOptions Map => options.Value;

    /// <summary>The request the form describes, with the form's own errors added (coordinates, width); null geometry when unreadable.</summary>
    protected RoadRequest ReadRequest()
    {
        var line = ReadLine(Input.Coordinates);
        if (line is null)
        {
            ModelState.AddModelError("Input.Coordinates", Text["roads.error.coordinates"]);
        }

        double? width = null;
        if (!string.IsNullOrWhiteSpace(Input.SidewalkWidthM))
        {
            width = double.TryParse(Input.SidewalkWidthM.Trim().Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var w) && double.IsFinite(w) ? w : null;
            if (width is null)
            {
                ModelState.AddModelError("Input.SidewalkWidthM", Text["roads.error.sidewalkWidth"]);
            }
        }

        return new RoadRequest(Input.Name, Input.RoadClass, line, "WGS84", width, Input.CurbRampStart, Input.CurbRampEnd,
            Input.TactilePaving, Input.Surface, null, Input.Status, null, null, null, null, Input.Version);
    }

    /// <summary>The use case's errors on the form's fields.</summary>
    protected void AddRoadErrors(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var (field, messages) in errors)
        {
            var key = field switch
            {
                "geometry" or "districtCode" or "crs" => "Input.Coordinates",
                "roadClass" => "Input.RoadClass",
                "sidewalkWidthM" => "Input.SidewalkWidthM",
                "tactilePaving" => "Input.TactilePaving",
                "name" => "Input.Name",
                "surface" => "Input.Surface",
                "status" => "Input.Status",
                _ => "",
            };
            if (ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0)
            {
                continue;
            }

            var message = field switch
            {
                "geometry" when messages.Any(m => m.Contains("outside", StringComparison.Ordinal)) => Text["facilities.error.outside"].Value,
                "geometry" => Text["roads.error.coordinates"].Value,
                "roadClass" => Text["roads.error.roadClass"].Value,
                "sidewalkWidthM" => Text["roads.error.sidewalkWidth"].Value,
                _ => string.Join(" ", messages),
            };
            ModelState.AddModelError(key, message);
        }
    }

    /// <summary>Fills the form from a stored segment.</summary>
    protected void Fill(RoadSegment road)
    {
        ArgumentNullException.ThrowIfNull(road);
        var coordinates = new StringBuilder();
        foreach (var c in road.Geometry.Coordinates)
        {
            coordinates.Append(CultureInfo.InvariantCulture, $"{c.Y:0.0000000}, {c.X:0.0000000}\n");
        }

        Input = new RoadFormInput
        {
            Name = road.Name,
            RoadClass = road.RoadClass,
            Coordinates = coordinates.ToString().TrimEnd(),
            SidewalkWidthM = road.SidewalkWidthM is { } w ? Number(w) : null,
            CurbRampStart = road.CurbRampStart,
            CurbRampEnd = road.CurbRampEnd,
            TactilePaving = road.TactilePaving,
            Surface = road.Surface,
            Status = road.Status,
            Version = road.Version,
        };
    }

    /// <summary>"lat, lon" per line (comma, space or semicolon between) into a GeoJSON LineString of at least two points; null when any line cannot be read.</summary>
    internal static JsonObject? ReadLine(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var coordinates = new JsonArray();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split([',', ' ', ';', '，', '；', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || ReadDegrees(parts[0], 90) is not { } lat || ReadDegrees(parts[1], 180) is not { } lon)
            {
                return null;
            }

            coordinates.Add(new JsonArray(lon, lat));
        }

        return coordinates.Count >= 2 ? new JsonObject { ["type"] = nameof(LineString), ["coordinates"] = coordinates } : null;
    }
}
