using System.Data;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace Accessibility.Api.Features.Exports;

/// <summary>
/// <c>GET /api/v1/exports/facilities.a11y.json</c>: the facilities the export's filters select as an A11yJSON
/// FeatureCollection of <c>PlaceInfo</c> features (the schema of accessibility.cloud and Wheelmap,
/// <see href="https://github.com/sozialhelden/a11yjson">sozialhelden/a11yjson</see>): <c>properties.name</c>,
/// <c>category</c>, <c>originalId</c> and <c>accessibility</c> (entrances, restrooms, parking, <c>accessibleWith</c>…)
/// made from each kind's attributes by the mapping in <c>docs/a11yjson.md</c>. Streamed.
/// </summary>
public static class A11yJsonExport
{
    /// <summary>The route.</summary>
    public const string Path = "/api/v1/exports/facilities.a11y.json";

    /// <summary>Maps the route (a literal path, so it wins over <c>/exports/{layer}.{format}</c>).</summary>
    public static IEndpointRouteBuilder MapA11yJsonExport(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Export)
            .WithName("ExportA11yJson").RequireAccess(ResourceKinds.Facility, Operations.Read)
            .WithTags("Exports")
            .WithSummary("Exports facilities (public) as A11yJSON PlaceInfo features (accessibility.cloud / Wheelmap), with the facility export's filters, streamed; mapping in docs/a11yjson.md.")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson)
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> Export(HttpContext http, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (ExportEndpoints.ParseFilter(http.Request, "facilities", errors) is not { } filter)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest);
        }

        var layer = ExportSql.Layers["facilities"];
        var fileName = "facilities-" + clock.GetUtcNow().ToString("yyyyMMdd", CultureInfo.InvariantCulture) + ".a11y.json";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = ExportSql.Command(connection, layer, filter, ExportFormat.A11yJson);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        var response = http.Response;
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName, FileName = fileName }.ToString();
        response.Headers.CacheControl = "no-store";
        response.ContentType = RawJsonResult.GeoJson + "; charset=utf-8";

        var columns = layer.Columns.Select((c, i) => (c.Name, i)).ToDictionary(c => c.Name, c => c.i, StringComparer.Ordinal);
        var n = layer.Columns.Count;
        await using var json = new Utf8JsonWriter(response.Body);
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteString("name", "facilities");
        json.WritePropertyName("features");
        json.WriteStartArray();
        var values = new object?[n + 2];
        while (await reader.ReadAsync(ct))
        {
            for (var i = 0; i < n + 2; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            var attributes = values[columns["attributes"]] is string text ? JsonNode.Parse(text) as JsonObject : null;
            var place = A11yJsonPlace.Feature(
                (long)values[columns["id"]]!, (string)values[columns["kind"]]!, (string)values[columns["name"]]!, (string)values[columns["status"]]!,
                attributes ?? [], (double)values[n]!, (double)values[n + 1]!);
            place.WriteTo(json);
            if (json.BytesPending > 64 * 1024)
            {
                await json.FlushAsync(ct);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
        return Results.Empty;
    }
}

/// <summary>
/// One facility as an A11yJSON <c>PlaceInfo</c> feature: the mapping of <c>docs/a11yjson.md</c> (each kind → PlaceInfo
/// fields; lengths as A11yJSON quantities <c>{value, unit}</c> in the unit the registry measures, slopes in percent).
/// An attribute the registry does not have stays out (unknown), as A11yJSON asks.
/// </summary>
public static class A11yJsonPlace
{
    /// <summary>The A11yJSON category of each kind (accessibility.cloud's category ids, which follow OpenStreetMap's values).</summary>
    public static readonly IReadOnlyDictionary<string, string> Categories = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["accessible_toilet"] = "toilets",
        ["curb_ramp"] = "kerb",
        ["ramp"] = "ramp",
        ["accessible_entrance"] = "entrance",
        ["elevator"] = "elevator",
        ["tactile_paving"] = "tactile_paving",
        ["accessible_parking"] = "parking_space",
        ["audible_signal"] = "traffic_signals",
        ["crossing_structure"] = "pedestrian_crossing",
        ["bus_stop"] = "bus_stop",
        ["disability_service"] = "social_facility",
        ["public_building"] = "public_building",
        ["emergency_shelter"] = "assembly_point",
    };

    /// <summary>Public buildings by subtype: the OpenStreetMap value accessibility.cloud uses as category.</summary>
    private static readonly Dictionary<string, string> BuildingCategories = new(StringComparer.Ordinal)
    {
        ["government"] = "townhall",
        ["hospital"] = "hospital",
        ["school"] = "school",
        ["station"] = "station",
        ["bank"] = "bank",
        ["post"] = "post_office",
        ["shop"] = "shop",
        ["tourist_site"] = "attraction",
        ["restaurant"] = "restaurant",
        ["community_centre"] = "community_centre",
    };

    /// <summary>Kinds that serve blind and partially sighted people: their status says whether they work for them.</summary>
    private static readonly string[] ForBlindPeople = ["tactile_paving", "audible_signal"];

    /// <summary>The PlaceInfo feature of one facility at (<paramref name="lon"/>, <paramref name="lat"/>), a point on its geometry.</summary>
    public static JsonObject Feature(long id, string kind, string name, string status, JsonObject attributes, double lon, double lat)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var a = new Attributes(attributes);
        var accessibility = new JsonObject();
        var usable = status switch { "operational" => true, "defective_usable" or "unusable" => false, _ => (bool?)null };
        var profile = ForBlindPeople.Contains(kind) ? "blindness" : "wheelchair";
        if (usable is { } works)
        {
            accessibility["accessibleWith"] = new JsonObject { [profile] = works };
            if (status == "defective_usable")
            {
                accessibility["partiallyAccessibleWith"] = new JsonObject { [profile] = true };
            }
        }

        switch (kind)
        {
            case "accessible_toilet":
                accessibility["restrooms"] = new JsonArray(Compact(new JsonObject
                {
                    ["isAccessibleWithWheelchair"] = usable,
                    ["hasSupportRails"] = a.Bool("grab_bars"),
                    ["hasEmergencyPullstring"] = a.Bool("emergency_call"),
                    ["hasChangingTableForBabies"] = a.Bool("baby_changing"),
                    ["signIcons"] = a.Bool("unisex") == true ? new JsonArray("allGender", "personInWheelchair") : new JsonArray("personInWheelchair"),
                    ["entrance"] = Door(a) is { } door ? new JsonObject { ["door"] = door } : null,
                }));
                break;
            case "accessible_entrance":
                var type = a.Text("entrance_type");
                accessibility["entrances"] = new JsonArray(Compact(new JsonObject
                {
                    ["isLevel"] = type is null ? null : type == "level",
                    ["hasFixedRamp"] = type is null ? null : type == "ramp",
                    ["hasHoist"] = type is null ? null : type == "lift",
                    ["slopeAngle"] = Percent(a.Number("entrance_slope")),
                    ["hasSignage"] = a.Bool("signage"),
                    ["door"] = a.Text("door_type") == "no_door" ? null : Door(a),
                }));
                break;
            case "ramp":
                accessibility["entrances"] = new JsonArray(Compact(new JsonObject
                {
                    ["isLevel"] = false,
                    ["hasFixedRamp"] = true,
                    ["slopeAngle"] = Percent(a.Number("slope")),
                }));
                break;
            case "elevator":
                accessibility["entrances"] = new JsonArray(Compact(new JsonObject { ["hasHoist"] = true, ["door"] = Door(a) }));
                break;
            case "accessible_parking":
                var spaces = a.Integer("spaces");
                accessibility["parking"] = Compact(new JsonObject
                {
                    ["count"] = spaces,
                    ["forWheelchairUsers"] = Compact(new JsonObject
                    {
                        ["count"] = spaces,
                        ["width"] = Quantity(a.Number("stall_width_m"), "m"),
                        ["length"] = Quantity(a.Number("stall_length_m"), "m"),
                        ["distanceToEntrance"] = Quantity(a.Number("distance_to_entrance_m"), "m"),
                        ["hasDedicatedSignage"] = a.Bool("signage"),
                    }),
                });
                break;
            case "curb_ramp":
                accessibility["hasTactileGuideStrips"] = a.Bool("tactile_warning");
                break;
            case "tactile_paving":
                accessibility["hasTactileGuideStrips"] = status != "removed";
                break;
            case "bus_stop":
                accessibility["hasTactileGuideStrips"] = a.Bool("tactile_paving");
                break;
            case "crossing_structure":
                var access = a.Text("access_type");
                accessibility["entrances"] = new JsonArray(Compact(new JsonObject
                {
                    ["hasFixedRamp"] = access is null ? null : access is "ramp" or "ramp_and_lift",
                    ["hasHoist"] = access is null ? null : access is "lift" or "ramp_and_lift",
                }));
                accessibility["hasTactileGuideStrips"] = a.Bool("tactile_warning");
                break;
            case "disability_service" or "public_building" or "emergency_shelter":
                var stepFree = a.Bool("step_free_entrance") ?? a.Bool("step_free_access");
                if (stepFree is not null)
                {
                    accessibility["entrances"] = new JsonArray(new JsonObject { ["isLevel"] = stepFree });
                }

                if (a.Bool("accessible_toilet") == true)
                {
                    // Only a yes: "no accessible toilet" does not say whether there is a toilet at all.
                    accessibility["restrooms"] = new JsonArray(new JsonObject { ["isAccessibleWithWheelchair"] = true });
                }

                accessibility["providesMobilityEquipment"] = a.Bool("wheelchair_loan");
                accessibility["hasTactileGuideStrips"] = a.Bool("tactile_guidance");
                accessibility["hasDedicatedAccessibilitySignage"] = a.Bool("accessible_signage");
                if (a.Integer("accessible_parking_spaces") is { } parking)
                {
                    accessibility["parking"] = new JsonObject { ["forWheelchairUsers"] = new JsonObject { ["count"] = parking } };
                }

                break;
        }

        var category = kind == "public_building" && a.Text("subtype") is { } subtype && BuildingCategories.TryGetValue(subtype, out var building)
            ? building
            : Categories.GetValueOrDefault(kind, kind);
        return new JsonObject
        {
            ["type"] = "Feature",
            ["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(Math.Round(lon, 7), Math.Round(lat, 7)) },
            ["properties"] = new JsonObject
            {
                ["originalId"] = id.ToString(CultureInfo.InvariantCulture),
                ["name"] = name,
                ["category"] = category,
                ["accessibility"] = Compact(accessibility),
            },
        };
    }

    /// <summary>An A11yJSON <c>Door</c> from the door attributes a toilet, an entrance or a lift has, or null when none is known.</summary>
    private static JsonObject? Door(Attributes a)
    {
        var type = a.Text("door_type");
        var inward = a.Bool("door_opens_inward");
        var door = Compact(new JsonObject
        {
            ["width"] = Quantity(a.Number("door_width_mm"), "mm"),
            ["thresholdHeight"] = Quantity(a.Number("threshold_height_mm"), "mm"),
            ["openingForce"] = Quantity(a.Number("door_opening_force_n"), "N"),
            ["doorOpensToOutside"] = inward is null ? null : !inward,
            ["isAutomatic"] = type is null ? null : type == "automatic",
            ["isSliding"] = type is null ? null : type == "sliding",
            ["isRevolving"] = type is null ? null : type == "revolving",
        });
        return door.Count == 0 ? null : door;
    }

    /// <summary>An A11yJSON quantity <c>{value, unit}</c>, or null.</summary>
    private static JsonObject? Quantity(double? value, string unit) =>
        value is { } v ? new JsonObject { ["value"] = v, ["unit"] = unit } : null;

    /// <summary>A slope given as rise/run, as A11yJSON's grade in percent (<c>100 × rise / run</c>).</summary>
    private static JsonObject? Percent(double? ratio) => Quantity(ratio is { } r ? Math.Round(r * 100, 6) : null, "%");

    /// <summary>The object without its null members (unknown stays out rather than being null, which A11yJSON reads as "none").</summary>
    private static JsonObject Compact(JsonObject o)
    {
        foreach (var key in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            o.Remove(key);
        }

        return o;
    }

    private sealed class Attributes(JsonObject values)
    {
        public bool? Bool(string name) => values[name]?.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        };

        public double? Number(string name) => values[name]?.GetValueKind() == JsonValueKind.Number ? values[name]!.GetValue<double>() : null;

        public long? Integer(string name) => Number(name) is { } n && n == Math.Floor(n) ? (long)n : null;

        public string? Text(string name) => values[name]?.GetValueKind() == JsonValueKind.String ? values[name]!.GetValue<string>() : null;
    }
}
