using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Accessibility.Api.Features.Renovations.Pages;

/// <summary>
/// The case form of the staff pages (register and edit): what the form posts, turned into the API's
/// <see cref="RenovationCaseRequest"/> for the same use-case services, and the services' field names turned back into the
/// form's, so that the error summary links to the field that is wrong.
/// </summary>
public sealed partial class CaseForm
{
    /// <summary>County code.</summary>
    public string? DistrictCode { get; set; }

    /// <summary>Name.</summary>
    public string? PersonName { get; set; }

    /// <summary>ID number (on edit, empty keeps the stored one).</summary>
    public string? IdNumber { get; set; }

    /// <summary>Phone (on edit, empty keeps the stored one).</summary>
    public string? Phone { get; set; }

    /// <summary>Disability category code.</summary>
    public string? DisabilityCategory { get; set; }

    /// <summary>1 or 2.</summary>
    public int? DisabilityGrade { get; set; }

    /// <summary>Mobility aids, comma-separated.</summary>
    public string? MobilityAids { get; set; }

    /// <summary>dibao, extreme_poverty, low_income or other.</summary>
    public string? Eligibility { get; set; }

    /// <summary>Lives alone.</summary>
    public bool LivesAlone { get; set; }

    /// <summary>Date identified.</summary>
    public DateOnly? IdentifiedOn { get; set; }

    /// <summary>Address.</summary>
    public string? Address { get; set; }

    /// <summary>Longitude as typed (or picked on the map).</summary>
    public string? Longitude { get; set; }

    /// <summary>Latitude as typed.</summary>
    public string? Latitude { get; set; }

    /// <summary>Coordinate system of the typed coordinates.</summary>
    public string? Crs { get; set; } = "WGS84";

    /// <summary>Barrier codes ticked.</summary>
    public List<string> Barriers { get; set; } = [];

    /// <summary>Assessment notes.</summary>
    public string? AssessmentNote { get; set; }

    /// <summary>One line per catalogue item, in catalogue order.</summary>
    public List<ItemLine> Items { get; set; } = [];

    /// <summary>Cost estimate.</summary>
    public decimal? CostEstimate { get; set; }

    /// <summary>Subsidy.</summary>
    public decimal? Subsidy { get; set; }

    /// <summary>Own contribution.</summary>
    public decimal? OwnContribution { get; set; }

    /// <summary>Contractor.</summary>
    public string? Contractor { get; set; }

    /// <summary>Acceptance notes.</summary>
    public string? AcceptanceNote { get; set; }

    /// <summary>Photo ids before the works, kept as they are (hidden fields).</summary>
    public List<Guid> PhotosBefore { get; set; } = [];

    /// <summary>Photo ids after the works, kept as they are.</summary>
    public List<Guid> PhotosAfter { get; set; } = [];

    /// <summary>On edit, the version read.</summary>
    public long? Version { get; set; }

    /// <summary>The coordinate systems a location may be typed in.</summary>
    public static readonly IReadOnlyList<string> CoordinateSystems = ["WGS84", "CGCS2000", "GCJ02", "BD09"];

    /// <summary>Makes one line per catalogue item, keeping what was posted for each.</summary>
    public void AlignItems(RenovationItemCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var posted = Items.Where(i => i.Code is not null).GroupBy(i => i.Code!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Items = [.. catalog.File_.Items.Select(i => posted.TryGetValue(i.Code, out var line)
            ? new ItemLine { Code = i.Code, Chosen = line.Chosen, Quantity = line.Quantity, UnitCost = line.UnitCost }
            : new ItemLine { Code = i.Code })];
    }

    /// <summary>Whether coordinates were typed (either of them).</summary>
    public bool HasCoordinates => !string.IsNullOrWhiteSpace(Longitude) || !string.IsNullOrWhiteSpace(Latitude);

    /// <summary>Whether the coordinates typed are two decimal numbers.</summary>
    public bool CoordinatesParse(out double longitude, out double latitude)
    {
        latitude = 0;
        return double.TryParse(Longitude, NumberStyles.Float, CultureInfo.InvariantCulture, out longitude)
            & double.TryParse(Latitude, NumberStyles.Float, CultureInfo.InvariantCulture, out latitude);
    }

    /// <summary>The API's request of this form; <paramref name="location"/> when the coordinates were not typed.</summary>
    public RenovationCaseRequest ToRequest(HouseholdPlace? location)
    {
        JsonObject? point = null;
        var crs = Crs;
        if (location is not null)
        {
            point = Point(location.Longitude, location.Latitude);
            crs = "CGCS2000";
        }
        else if (CoordinatesParse(out var x, out var y))
        {
            point = Point(x, y);
        }

        var chosen = Items.Where(i => i.Chosen).ToList();
        return new RenovationCaseRequest(
            Clean(DistrictCode), Clean(PersonName), Clean(IdNumber), Clean(Phone), Clean(DisabilityCategory), DisabilityGrade,
            MobilityAids is null ? null : [.. MobilityAids.Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            Clean(Eligibility), LivesAlone, Clean(Address), point, crs, IdentifiedOn,
            [.. Barriers], Clean(AssessmentNote), [.. chosen.Select(i => new ChosenItem(i.Code, i.Quantity, i.UnitCost))],
            CostEstimate, Subsidy, OwnContribution, null, Clean(Contractor), [.. PhotosBefore], [.. PhotosAfter], Clean(AcceptanceNote), null, Version);

        static JsonObject Point(double x, double y) => new() { ["type"] = "Point", ["coordinates"] = new JsonArray(x, y) };
    }

    /// <summary>The form of a case as stored, to edit it.</summary>
    public static CaseForm From(RenovationCaseDetail c, RenovationItemCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(c);
        var form = new CaseForm
        {
            DistrictCode = c.DistrictCode,
            PersonName = c.PersonName,
            DisabilityCategory = c.DisabilityCategory,
            DisabilityGrade = c.DisabilityGrade,
            MobilityAids = string.Join(", ", c.MobilityAids),
            Eligibility = c.Eligibility,
            LivesAlone = c.LivesAlone,
            IdentifiedOn = c.IdentifiedOn,
            Address = c.Address,
            Longitude = c.Location[0].ToString("0.000000", CultureInfo.InvariantCulture),
            Latitude = c.Location[1].ToString("0.000000", CultureInfo.InvariantCulture),
            Crs = "CGCS2000",
            Barriers = [.. c.Barriers],
            AssessmentNote = c.AssessmentNote,
            Items = [.. c.Items.OfType<JsonObject>().Select(i => new ItemLine
            {
                Code = (string?)i["code"], Chosen = true, Quantity = (int?)i["quantity"], UnitCost = (decimal?)i["unitCost"],
            })],
            CostEstimate = c.CostEstimate,
            Subsidy = c.Subsidy,
            OwnContribution = c.OwnContribution,
            Contractor = c.Contractor,
            AcceptanceNote = c.AcceptanceNote,
            PhotosBefore = [.. c.PhotosBefore],
            PhotosAfter = [.. c.PhotosAfter],
            Version = c.Version,
        };
        form.AlignItems(catalog);
        return form;
    }

    /// <summary>
    /// The service's errors under the form's keys (<c>Input.…</c>): an item's error names its line of the catalogue, a
    /// barrier's the barriers, the location the longitude field. Errors of no field of the form (photos) stay unlinked.
    /// </summary>
    public Dictionary<string, string[]> FormErrors(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var chosen = Items.Select((line, index) => (line, index)).Where(x => x.line.Chosen).Select(x => x.index).ToList();
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (field, messages) in errors)
        {
            var key = field switch
            {
                "crs" => "Input.Crs",
                "location" => "Input.Longitude",
                "photosBefore" or "photosAfter" or "source" or "$" => "",
                _ when field.StartsWith("barriers", StringComparison.Ordinal) => "Input.Barriers",
                _ when field.StartsWith("mobilityAids", StringComparison.Ordinal) => "Input.MobilityAids",
                _ when ItemField().Match(field) is { Success: true } m => ItemKey(chosen, m),
                _ => "Input." + char.ToUpperInvariant(field[0]) + field[1..],
            };
            result[key] = result.TryGetValue(key, out var already) ? [.. already, .. messages] : messages;
        }

        return result;
    }

    private static string ItemKey(List<int> chosen, Match m)
    {
        var i = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var line = i < chosen.Count ? chosen[i] : 0;
        var part = m.Groups[2].Value switch { "quantity" => "Quantity", "unitCost" => "UnitCost", _ => "Chosen" };
        return FormattableString.Invariant($"Input.Items[{line}].{part}");
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex(@"^items\[(\d+)\]\.(\w+)$")]
    private static partial Regex ItemField();
}

/// <summary>One catalogue item on the form.</summary>
public sealed class ItemLine
{
    /// <summary>Item code.</summary>
    public string? Code { get; set; }

    /// <summary>Ticked.</summary>
    public bool Chosen { get; set; }

    /// <summary>Quantity (default 1).</summary>
    public int? Quantity { get; set; }

    /// <summary>Unit cost (default the catalogue's).</summary>
    public decimal? UnitCost { get; set; }
}
