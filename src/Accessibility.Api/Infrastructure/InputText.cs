using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// The one rule for text that comes in from outside (query strings, route values, JSON strings and property
/// names, form fields, import cells): no NUL, no other C0 control character except tab, line feed and carriage
/// return (free text keeps its lines), and no lone UTF-16 surrogate. PostgreSQL refuses NUL in <c>text</c> and
/// <c>\u0000</c> in <c>jsonb</c> (22021, 22P05), and Npgsql refuses to encode a lone surrogate: caught here, at
/// the edge, such input is a 400 naming the field instead of a 500 from deep inside a statement.
/// </summary>
public static class InputText
{
    /// <summary>Why <paramref name="value"/> is not acceptable text, or null when it is.</summary>
    public static string? Problem(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < ' ' && c is not ('\t' or '\n' or '\r'))
            {
                return string.Create(CultureInfo.InvariantCulture, $"Contains the control character U+{(int)c:X4} at position {i + 1}; text may not carry control characters other than tab and line breaks.");
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return string.Create(CultureInfo.InvariantCulture, $"Contains a lone UTF-16 surrogate (U+{(int)c:X4}) at position {i + 1}; it is not a character.");
            }
        }

        return null;
    }

    /// <summary>Why any of <paramref name="values"/> is not acceptable text, or null.</summary>
    public static string? Problem(StringValues values)
    {
        foreach (var v in values)
        {
            if (v is not null && Problem(v.AsSpan()) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>The problems of the fields (names and values, not file contents) of a form, or null.</summary>
    public static FieldErrors? Check(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        FieldErrors? errors = null;
        foreach (var (key, values) in form)
        {
            if (Problem(key) is { } keyProblem)
            {
                (errors ??= new()).Add("form", "Field name: " + keyProblem);
            }
            else if (Problem(values) is { } problem)
            {
                (errors ??= new()).Add(key, problem);
            }
        }

        foreach (var file in form.Files)
        {
            if (Problem(file.Name) is { } nameProblem)
            {
                (errors ??= new()).Add("form", "Field name: " + nameProblem);
            }
            else if (Problem(file.FileName) is { } fileNameProblem)
            {
                (errors ??= new()).Add(file.Name, "File name: " + fileNameProblem);
            }
        }

        return errors;
    }

    /// <summary>
    /// Checks every string and property name of a JSON document, recording each problem under its path
    /// (<c>name</c>, <c>attributes.note</c>, <c>items[2].code</c>).
    /// </summary>
    public static void Check(JsonElement element, string path, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                if (StringProblem(element) is { } problem)
                {
                    errors.Add(path, problem);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        errors.Add(path, "A property name contains a lone UTF-16 surrogate; it is not a character.");
                        continue;
                    }

                    var at = path is "$" or "" ? name : path + "." + name;
                    if (Problem(name) is { } nameProblem)
                    {
                        errors.Add(at, "Property name: " + nameProblem);
                        continue;
                    }

                    Check(property.Value, at, errors);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Check(item, string.Create(CultureInfo.InvariantCulture, $"{(path is "$" ? "" : path)}[{index++}]"), errors);
                }

                break;
        }
    }

    private static string? StringProblem(JsonElement element)
    {
        try
        {
            return Problem(element.GetString());
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json will not unescape "\ud800" on its own into a string.
            return "Contains a lone UTF-16 surrogate; it is not a character.";
        }
    }
}
