namespace Accessibility.Api.Tests.Geo;

/// <summary>
/// Independent ground truth on the CGCS2000 (= GRS80) ellipsoid: Vincenty's inverse formula,
/// the exact area of a latitude/longitude quadrangle, and the meridian arc by quadrature.
/// </summary>
internal static class Geodesy
{
    public const double A = 6378137.0;
    public const double F = 1 / 298.257222101;
    public const double B = A * (1 - F);
    public const double E2 = F * (2 - F);

    private const double Deg = Math.PI / 180.0;

    /// <summary>Vincenty (1975) inverse: geodesic distance in metres, ~0.1 mm accurate for non-antipodal points.</summary>
    public static double Distance(double lon1, double lat1, double lon2, double lat2)
    {
        var l = (lon2 - lon1) * Deg;
        var u1 = Math.Atan((1 - F) * Math.Tan(lat1 * Deg));
        var u2 = Math.Atan((1 - F) * Math.Tan(lat2 * Deg));
        double sinU1 = Math.Sin(u1), cosU1 = Math.Cos(u1), sinU2 = Math.Sin(u2), cosU2 = Math.Cos(u2);
        var lambda = l;
        double sinSigma, cosSigma, sigma, cos2Alpha, cos2SigmaM;
        for (var i = 0; ; i++)
        {
            double sinLambda = Math.Sin(lambda), cosLambda = Math.Cos(lambda);
            sinSigma = Math.Sqrt(Math.Pow(cosU2 * sinLambda, 2) + Math.Pow((cosU1 * sinU2) - (sinU1 * cosU2 * cosLambda), 2));
            if (sinSigma == 0)
            {
                return 0;
            }

            cosSigma = (sinU1 * sinU2) + (cosU1 * cosU2 * cosLambda);
            sigma = Math.Atan2(sinSigma, cosSigma);
            var sinAlpha = cosU1 * cosU2 * sinLambda / sinSigma;
            cos2Alpha = 1 - (sinAlpha * sinAlpha);
            cos2SigmaM = cos2Alpha == 0 ? 0 : cosSigma - (2 * sinU1 * sinU2 / cos2Alpha);
            var c = F / 16 * cos2Alpha * (4 + (F * (4 - (3 * cos2Alpha))));
            var previous = lambda;
            lambda = l + ((1 - c) * F * sinAlpha * (sigma + (c * sinSigma * (cos2SigmaM + (c * cosSigma * (-1 + (2 * cos2SigmaM * cos2SigmaM)))))));
            if (Math.Abs(lambda - previous) < 1e-13)
            {
                break;
            }

            if (i > 200)
            {
                throw new InvalidOperationException("Vincenty did not converge.");
            }
        }

        var uSq = cos2Alpha * ((A * A) - (B * B)) / (B * B);
        var bigA = 1 + (uSq / 16384 * (4096 + (uSq * (-768 + (uSq * (320 - (175 * uSq)))))));
        var bigB = uSq / 1024 * (256 + (uSq * (-128 + (uSq * (74 - (47 * uSq))))));
        var deltaSigma = bigB * sinSigma * (cos2SigmaM + (bigB / 4 * ((cosSigma * (-1 + (2 * cos2SigmaM * cos2SigmaM)))
            - (bigB / 6 * cos2SigmaM * (-3 + (4 * sinSigma * sinSigma)) * (-3 + (4 * cos2SigmaM * cos2SigmaM))))));
        return B * bigA * (sigma - deltaSigma);
    }

    /// <summary>Exact ellipsoidal area of the quadrangle [lon1, lon2] × [lat1, lat2] (authalic q-function).</summary>
    public static double QuadrangleArea(double lon1, double lat1, double lon2, double lat2) =>
        B * B / 2 * (lon2 - lon1) * Deg * (Q(lat2 * Deg) - Q(lat1 * Deg));

    /// <summary>Meridian arc length from the equator to <paramref name="lat"/>, by Simpson's rule.</summary>
    public static double MeridianArc(double lat)
    {
        const int n = 2000;
        var h = lat * Deg / n;
        double M(double phi) => A * (1 - E2) / Math.Pow(1 - (E2 * Math.Sin(phi) * Math.Sin(phi)), 1.5);
        var sum = M(0) + M(lat * Deg);
        for (var i = 1; i < n; i++)
        {
            sum += (i % 2 == 1 ? 4 : 2) * M(i * h);
        }

        return sum * h / 3;
    }

    private static double Q(double phi)
    {
        var e = Math.Sqrt(E2);
        var s = Math.Sin(phi);
        return (s / (1 - (E2 * s * s))) + (1 / (2 * e) * Math.Log((1 + (e * s)) / (1 - (e * s))));
    }
}
