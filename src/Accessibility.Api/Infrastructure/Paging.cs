using System.Globalization;

namespace Accessibility.Api.Infrastructure;

/// <summary>Query-string integers with a clear error instead of a binding failure.</summary>
public static class Paging
{
    /// <summary>Parses <paramref name="value"/>, or returns <paramref name="fallback"/> when absent; adds an error naming <paramref name="field"/> otherwise.</summary>
    public static int ParseInt(string? value, string field, int fallback, int min, int max, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        errors[field] = [string.Create(CultureInfo.InvariantCulture, $"Expected a whole number from {min} to {max}.")];
        return fallback;
    }
}
