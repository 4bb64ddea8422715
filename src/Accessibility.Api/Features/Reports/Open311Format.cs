using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace Accessibility.Api.Features.Reports;

/// <summary>An Open311 object: ordered fields, written as a JSON object or as XML child elements.</summary>
public sealed class O311Object : List<KeyValuePair<string, object?>>
{
    /// <summary>Adds a field; values are strings, numbers, booleans, times, null, <see cref="O311Object"/> or <see cref="O311List"/>.</summary>
    public O311Object With(string name, object? value)
    {
        Add(new(name, value));
        return this;
    }
}

/// <summary>A list: a JSON array, or in XML a wrapper whose children are all named <paramref name="Item"/>.</summary>
/// <param name="Item">XML element name of one entry.</param>
/// <param name="Items">Entries.</param>
public sealed record O311List(string Item, IReadOnlyList<object?> Items);

/// <summary>
/// Writes Open311 GeoReport v2 documents in the two formats of the specification: XML (required) and JSON.
/// Times are ISO 8601 with offset; XML writes null as an empty element.
/// </summary>
public static class Open311Format
{
    /// <summary>JSON media type.</summary>
    public const string Json = "application/json";

    /// <summary>XML media type.</summary>
    public const string Xml = "text/xml";

    /// <summary>Whether <paramref name="format"/> (the URL suffix) is one the API speaks.</summary>
    public static bool IsKnown(string? format) => format is "json" or "xml";

    /// <summary>A list document: a JSON array, or <c>&lt;root&gt;&lt;item&gt;…</c>.</summary>
    public static IResult List(string format, string root, string item, IEnumerable<O311Object> items, int status = StatusCodes.Status200OK) =>
        Write(format, root, new O311List(item, [.. items]), status);

    /// <summary>A single-object document: a JSON object, or <c>&lt;root&gt;…</c>.</summary>
    public static IResult Single(string format, string root, O311Object value, int status = StatusCodes.Status200OK) =>
        Write(format, root, value, status);

    /// <summary>The specification's error document, with <paramref name="code"/> as the HTTP status too.</summary>
    public static IResult Error(string? format, int code, string description) =>
        List(format == "xml" ? "xml" : "json", "errors", "error",
            [new O311Object().With("code", code).With("description", description)], code);

    private static IResult Write(string format, string root, object value, int status)
    {
        var text = format == "xml" ? ToXml(root, value) : ToJson(value);
        return TypedResults.Text(text, format == "xml" ? Xml + "; charset=utf-8" : Json + "; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>JSON text of <paramref name="value"/>.</summary>
    public static string ToJson(object? value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default }))
        {
            WriteJson(writer, value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case double d: w.WriteNumberValue(d); break;
            case DateTimeOffset t: w.WriteStringValue(Time(t)); break;
            case O311Object o:
                w.WriteStartObject();
                foreach (var (k, v) in o)
                {
                    w.WritePropertyName(k);
                    WriteJson(w, v);
                }

                w.WriteEndObject();
                break;
            case O311List list:
                w.WriteStartArray();
                foreach (var item in list.Items)
                {
                    WriteJson(w, item);
                }

                w.WriteEndArray();
                break;
            default: throw new ArgumentException("Unsupported Open311 value " + value.GetType().Name, nameof(value));
        }
    }

    /// <summary>XML text of <paramref name="value"/> under <paramref name="root"/>.</summary>
    public static string ToXml(string root, object? value)
    {
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(new StringWriterUtf8(sb), new XmlWriterSettings { Encoding = Encoding.UTF8 }))
        {
            w.WriteStartDocument();
            WriteXml(w, root, value);
            w.WriteEndDocument();
        }

        return sb.ToString();
    }

    private static void WriteXml(XmlWriter w, string name, object? value)
    {
        w.WriteStartElement(name);
        switch (value)
        {
            case null: break;
            case string s: w.WriteString(s); break;
            case bool b: w.WriteString(b ? "true" : "false"); break;
            case int i: w.WriteString(i.ToString(CultureInfo.InvariantCulture)); break;
            case long l: w.WriteString(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: w.WriteString(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset t: w.WriteString(Time(t)); break;
            case O311Object o:
                foreach (var (k, v) in o)
                {
                    WriteXml(w, k, v);
                }

                break;
            case O311List list:
                foreach (var item in list.Items)
                {
                    WriteXml(w, list.Item, item);
                }

                break;
            default: throw new ArgumentException("Unsupported Open311 value " + value.GetType().Name, nameof(value));
        }

        w.WriteEndElement();
    }

    /// <summary>ISO 8601 with offset, seconds precision, as Open311 shows times (China Standard Time).</summary>
    public static string Time(DateTimeOffset t) =>
        t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private sealed class StringWriterUtf8(StringBuilder sb) : StringWriter(sb, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
