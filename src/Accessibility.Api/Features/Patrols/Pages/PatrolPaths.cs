namespace Accessibility.Api.Features.Patrols.Pages;

/// <summary>Where the patrol pages are.</summary>
internal static class PatrolPaths
{
    /// <summary>The grids of the caller (the area's first page).</summary>
    public const string Grids = "/staff/patrols";

    /// <summary>A grid's worklist.</summary>
    public static string Worklist(string grid) => "/staff/patrols/grids/" + grid;

    /// <summary>The patrol form of a facility.</summary>
    public static string NewPatrol(long facility) => "/staff/patrols/facilities/" + facility.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/new";
}
