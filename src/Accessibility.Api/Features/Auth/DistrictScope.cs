namespace Accessibility.Api.Features.Auth;

/// <summary>
/// Whether a district lies inside an account's scope. GB/T 2260 codes nest by prefix once the
/// trailing zero pairs of province (140000) and prefecture (140800) codes are dropped:
/// 14 ⊃ 1408 ⊃ 140881 ⊃ 140881001.
/// </summary>
public static class DistrictScope
{
    /// <summary>The prefix every code inside <paramref name="code"/> starts with.</summary>
    public static string Prefix(string code)
    {
        if (code.Length != 6)
        {
            return code;
        }

        if (code.EndsWith("0000", StringComparison.Ordinal))
        {
            return code[..2];
        }

        return code.EndsWith("00", StringComparison.Ordinal) ? code[..4] : code;
    }

    /// <summary>True when <paramref name="districtCode"/> is one of <paramref name="scopes"/> or inside one.</summary>
    public static bool Covers(IEnumerable<string> scopes, string districtCode) =>
        scopes.Any(scope => districtCode.StartsWith(Prefix(scope), StringComparison.Ordinal));
}
