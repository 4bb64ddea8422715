using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Accessibility.Api.Features.Reports;

/// <summary>
/// Where the duplicate search of a new report looks, and the locks that make concurrent filings link as if they were
/// filed one after another. The plane (CGCS2000 degrees) is cut into cells of <see cref="CellDegrees"/> per category;
/// a filing takes a transaction-scoped advisory lock on every cell its search disc touches, in ascending key order (so
/// two filings never deadlock), before it searches. Two reports of one category within the radius of each other each lie
/// in the other's disc, so both lock the cell of either one: the later searches after the earlier has committed and
/// sees it. Reports farther apart lock other cells and never wait for each other (a hash collision of two cells only
/// makes one wait). This replaces one lock per category and county, which made every report of a kind in a county wait.
/// </summary>
public static class DuplicateArea
{
    /// <summary>Side of a lock cell: about 111 m north–south, several times the link radius, so a disc touches 1–4 cells.</summary>
    public const double CellDegrees = 0.001;

    /// <summary>First key of the two-key advisory locks of the cells, so they never meet the one-key locks of other features.</summary>
    public const int LockSpace = 0x52505254;

    // A degree of latitude is at least 110,574 m and a degree of longitude 111,320 m × cos(latitude): 110 km bounds both
    // from below, so the degree radius errs on the wide side and the geodesic test that follows decides.
    private const double MetresPerDegreeAtLeast = 110_000;

    /// <summary>
    /// A radius in degrees that holds every point within <paramref name="metres"/> (geodesic) of a point at
    /// <paramref name="latitude"/>: the index-backed prefilter of a search on geometry.
    /// </summary>
    public static double Degrees(double latitude, double metres)
    {
        var reach = metres / MetresPerDegreeAtLeast;
        var farthest = Math.Min(89.9, Math.Abs(latitude) + reach);
        return metres / (MetresPerDegreeAtLeast * Math.Cos(farthest * Math.PI / 180));
    }

    /// <summary>
    /// The advisory lock keys (second key, with <see cref="LockSpace"/>) of the cells that the disc of
    /// <paramref name="metres"/> around (<paramref name="longitude"/>, <paramref name="latitude"/>) touches, for
    /// category <paramref name="serviceCode"/>; distinct and ascending. Stable across processes and machines.
    /// </summary>
    public static int[] LockKeys(string serviceCode, double longitude, double latitude, double metres)
    {
        ArgumentNullException.ThrowIfNull(serviceCode);
        var degrees = Degrees(latitude, metres);
        var keys = new SortedSet<int>();
        for (var x = Cell(longitude - degrees); x <= Cell(longitude + degrees); x++)
        {
            for (var y = Cell(latitude - degrees); y <= Cell(latitude + degrees); y++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"{serviceCode}:{x}:{y}");
                keys.Add(BinaryPrimitives.ReadInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name))));
            }
        }

        return [.. keys];
    }

    private static long Cell(double degrees) => (long)Math.Floor(degrees / CellDegrees);
}
