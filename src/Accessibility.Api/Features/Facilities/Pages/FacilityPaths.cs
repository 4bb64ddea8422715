using System.Globalization;

namespace Accessibility.Api.Features.Facilities.Pages;

/// <summary>Where the facility pages, and the pages of other areas they link to, are.</summary>
public static class FacilityPaths
{
    /// <summary>The list.</summary>
    public const string List = "/staff/facilities";

    /// <summary>Registering a facility.</summary>
    public const string New = "/staff/facilities/new";

    /// <summary>Registering a road segment.</summary>
    public const string NewRoad = "/staff/roads/new";

    /// <summary>A facility's page.</summary>
    public static string Detail(long id) => List + "/" + Id(id);

    /// <summary>Editing its attributes.</summary>
    public static string Edit(long id) => Detail(id) + "/edit";

    /// <summary>Changing its status.</summary>
    public static string Status(long id) => Detail(id) + "/status";

    /// <summary>Uploading a photo.</summary>
    public static string AddPhoto(long id) => Detail(id) + "/photos/new";

    /// <summary>Recording an inspection (the triage area's page).</summary>
    public static string NewInspection(long id) => Detail(id) + "/inspections/new";

    /// <summary>The facility's audit trail (the administration area's page).</summary>
    public static string Audit(long id) => "/staff/audit/facility/" + Id(id);

    /// <summary>A road segment's page.</summary>
    public static string Road(long id) => "/staff/roads/" + Id(id);

    /// <summary>Editing a road segment.</summary>
    public static string EditRoad(long id) => Road(id) + "/edit";

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
