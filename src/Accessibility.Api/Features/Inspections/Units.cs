using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Inspections;

/// <summary>
/// Units an inspector may enter, and their conversion to an item's canonical unit.
/// Slope: <c>ratio</c> (a decimal rise/run such as 0.0833, or <c>"1:12"</c>), <c>percent</c> (p / 100) and
/// <c>degrees</c> (tan d°). Length: <c>mm</c>, <c>cm</c>, <c>m</c>. Force: <c>N</c>. Count: <c>count</c>.
/// </summary>
public static class Units
{
    /// <summary>Measured quantities.</summary>
    public static readonly IReadOnlyList<string> Quantities = ["slope", "length", "force", "count"];

    /// <summary>Units a value of <paramref name="quantity"/> may be entered in.</summary>
    public static IReadOnlyList<string> AcceptedUnits(string quantity) => quantity switch
    {
        "slope" => ["ratio", "percent", "degrees"],
        "length" => ["mm", "cm", "m"],
        "force" => ["N"],
        "count" => ["count"],
        _ => [],
    };

    /// <summary>Units a value of <paramref name="quantity"/> may be stored in.</summary>
    public static IReadOnlyList<string> CanonicalUnits(string quantity) => quantity switch
    {
        "slope" => ["ratio"],
        "length" => ["mm", "m"],
        "force" => ["N"],
        "count" => ["count"],
        _ => [],
    };

    /// <summary>
    /// Reads <paramref name="value"/> (a JSON number, or a string holding a number or, for a ratio, <c>"1:12"</c>)
    /// entered in <paramref name="unit"/> and converts it to <paramref name="canonicalUnit"/>. Rounded to 9 decimals
    /// so that 10 %, 1:10 and 5.7106° give the same value. An infinite slope (1:0, 90°) comes back as
    /// <see cref="double.PositiveInfinity"/> for the physical-range check to refuse.
    /// </summary>
    /// <returns>The converted value, or null with <paramref name="error"/> saying why the value cannot be read.</returns>
    public static double? ToCanonical(JsonNode value, string unit, string canonicalUnit, out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        error = null;
        double number;
        if (unit == "ratio" && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Contains(':', StringComparison.Ordinal))
        {
            var parts = value.GetValue<string>().Split(':');
            if (parts.Length != 2 || !TryNumber(parts[0], out var rise) || !TryNumber(parts[1], out var run) || rise < 0 || run < 0)
            {
                error = "Expected a ratio such as \"1:12\" (rise:run) or a decimal such as 0.0833.";
                return null;
            }

            number = run == 0 ? double.PositiveInfinity : rise / run;
        }
        else if (value.GetValueKind() == JsonValueKind.Number)
        {
            number = double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        else if (value.GetValueKind() == JsonValueKind.String && TryNumber(value.GetValue<string>(), out var parsed))
        {
            number = parsed;
        }
        else
        {
            error = unit == "ratio"
                ? "Expected a number, or a ratio such as \"1:12\"."
                : "Expected a number in " + unit + ".";
            return null;
        }

        var converted = (unit, canonicalUnit) switch
        {
            ("ratio", "ratio") => number,
            ("percent", "ratio") => number / 100,
            // Beyond 90° (or below 0°) tan is no slope: treat as infinite so the range check refuses it.
            ("degrees", "ratio") => number is >= 0 and < 90 ? Math.Tan(number * Math.PI / 180) : double.PositiveInfinity,
            _ when unit == canonicalUnit => number,
            ("mm", "m") => number / 1000,
            ("cm", "m") => number / 100,
            ("m", "mm") => number * 1000,
            ("cm", "mm") => number * 10,
            _ => throw new ArgumentException($"No conversion from {unit} to {canonicalUnit}.", nameof(unit)),
        };
        return double.IsFinite(converted) ? Math.Round(converted, 9) : converted;
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim().TrimEnd('%', '°').Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
