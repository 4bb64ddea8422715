using Accessibility.Api.Features.Facilities.Pages;

namespace Accessibility.Api.Features.Grids.Pages;

/// <summary>Addresses of the grid pages and what the geometry field needs.</summary>
public static class GridPages
{
    /// <summary>The area's first page.</summary>
    public const string List = "/staff/grids";

    /// <summary>The list of a county's grids.</summary>
    public static string ListOf(string county, string? notice = null, long? moved = null) =>
        List + "?county=" + Uri.EscapeDataString(county) + (notice is null ? "" : "&done=" + notice)
        + (moved is null ? "" : "&moved=" + moved.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>The GeoJSON geometry field (a textarea that works without script; grids.js adds a drawing map).</summary>
/// <param name="Field">The form field's name under Input (Geometry).</param>
/// <param name="Value">The GeoJSON text.</param>
/// <param name="Map">Basemap for the drawing map.</param>
/// <param name="Context">GeoJSON of the outline to draw against (the township or county), or null.</param>
public sealed record GeometryFieldModel(string Field, string? Value, PointPickerModel Map, string? Context);
