using System.Globalization;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// Citizen identity numbers of GB 11643-1999: 6-digit address code, 8-digit birth date
/// (YYYYMMDD), 3-digit sequence (odd for men, even for women), and an ISO 7064 MOD 11-2 check
/// character (0–9 or X).
/// </summary>
public static class ChineseIdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>Upper case, without spaces.</summary>
    public static string Normalise(string input) =>
        (input ?? "").Trim().Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    /// <summary>The check character for the first 17 digits.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }

    /// <summary>
    /// Checks a normalised number; null when it is acceptable, else the reason. The birth date must
    /// be a real date, not in the future relative to <paramref name="today"/>, and at most 120 years back.
    /// </summary>
    public static string? Problem(string id, DateOnly today, out DateOnly birthDate)
    {
        birthDate = default;
        if (id.Length != 18)
        {
            return "An ID number has 18 characters (GB 11643).";
        }

        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(id[i]))
            {
                return "The first 17 characters of an ID number are digits.";
            }
        }

        if (!char.IsAsciiDigit(id[17]) && id[17] != 'X')
        {
            return "The last character of an ID number is a digit or X.";
        }

        if (!DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out birthDate))
        {
            return "The birth date in the ID number (characters 7–14) is not a date.";
        }

        if (birthDate > today || birthDate < today.AddYears(-120))
        {
            return "The birth date in the ID number is not plausible.";
        }

        if (CheckCharacter(id) != id[17])
        {
            return "The check character of the ID number is wrong (GB 11643, ISO 7064 MOD 11-2).";
        }

        return null;
    }

    /// <summary>Completes 17 digits with their check character.</summary>
    public static string WithCheck(string first17) => first17 + CheckCharacter(first17);
}
