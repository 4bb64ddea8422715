using System.Security.Claims;
using Accessibility.Api.Features.Auth;

namespace Accessibility.Api.Features.Facilities;

/// <summary>The district scope check every write endpoint makes, and its 403 answer.</summary>
public static class WriteScope
{
    /// <summary>Whether <paramref name="user"/> may write in <paramref name="districtCode"/>.</summary>
    public static bool Allows(ClaimsPrincipal user, string districtCode)
    {
        ArgumentNullException.ThrowIfNull(user);
        return DistrictScope.Covers(user, districtCode);
    }

    /// <summary>403 problem details naming the district outside the caller's scope.</summary>
    public static IResult Forbidden(string districtCode) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Outside your districts",
        detail: "District " + districtCode + " is outside the districts you may change.",
        extensions: new Dictionary<string, object?> { ["districtCode"] = districtCode });
}
