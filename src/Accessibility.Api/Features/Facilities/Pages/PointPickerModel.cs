using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.Facilities.Pages;

/// <summary>The point picker partial's model: the typed position and the configured basemap.</summary>
/// <param name="Latitude">Latitude as typed or stored.</param>
/// <param name="Longitude">Longitude as typed or stored.</param>
/// <param name="TileUrl">Basemap tile URL template, or null (no basemap).</param>
/// <param name="TileAttribution">Basemap attribution.</param>
/// <param name="TileSubdomains">Basemap subdomains.</param>
public sealed record PointPickerModel(string? Latitude, string? Longitude, string? TileUrl, string? TileAttribution, string? TileSubdomains)
{
    /// <summary>The picker for <paramref name="latitude"/>, <paramref name="longitude"/> on the basemap of <paramref name="options"/>.</summary>
    public static PointPickerModel For(string? latitude, string? longitude, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(latitude, longitude, options.TileUrl, options.TileAttribution, options.TileSubdomains);
    }
}
