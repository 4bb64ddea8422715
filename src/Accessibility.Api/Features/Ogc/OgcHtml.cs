using System.Net;
using System.Text;
using System.Text.Json;

namespace Accessibility.Api.Features.Ogc;

/// <summary>
/// The HTML encoding of the OGC resources (conformance class <c>html</c>): plain pages with a
/// heading per resource, a breadcrumb navigation, and tables with captions and header cells,
/// readable by a screen reader and without scripts. Every value is HTML-encoded.
/// </summary>
internal static class OgcHtml
{
    /// <summary>A complete page.</summary>
    public static string Page(string title, IEnumerable<(string Label, string Href)> breadcrumbs, string body)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
            .Append(E(title)).Append(" — 无障碍设施登记监管平台 OGC API</title>\n")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:72rem;margin:1rem auto;padding:0 1rem;line-height:1.5}")
            .Append("table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #888;padding:.25rem .5rem;text-align:left;vertical-align:top}")
            .Append("caption{text-align:left;font-weight:bold}a{color:#0645ad}a:focus{outline:3px solid #f90}nav ol{list-style:none;padding:0}nav li{display:inline}")
            .Append("nav li+li::before{content:\" / \"}</style>\n</head>\n<body>\n<nav aria-label=\"Breadcrumb\"><ol>");
        foreach (var (label, href) in breadcrumbs)
        {
            sb.Append("<li><a href=\"").Append(E(href)).Append("\">").Append(E(label)).Append("</a></li>");
        }

        sb.Append("</ol></nav>\n<main>\n<h1>").Append(E(title)).Append("</h1>\n").Append(body).Append("\n</main>\n</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>HTML-encodes text.</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A link.</summary>
    public static string A(string href, string label) => "<a href=\"" + E(href) + "\">" + E(label) + "</a>";

    /// <summary>A table with a caption, header cells with scope, and cells already encoded.</summary>
    public static string Table(string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var sb = new StringBuilder("<table>\n<caption>").Append(E(caption)).Append("</caption>\n<thead><tr>");
        foreach (var h in headers)
        {
            sb.Append("<th scope=\"col\">").Append(E(h)).Append("</th>");
        }

        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            sb.Append("<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                sb.Append(i == 0 ? "<th scope=\"row\">" : "<td>").Append(row[i]).Append(i == 0 ? "</th>" : "</td>");
            }

            sb.Append("</tr>\n");
        }

        return sb.Append("</tbody>\n</table>").ToString();
    }

    /// <summary>A JSON value as encoded text for a table cell (strings as they are, objects as compact JSON).</summary>
    public static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => E(value.GetString()),
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => E(value.GetRawText()),
    };

    /// <summary>A one-line description of a GeoJSON geometry: its type and first coordinate.</summary>
    public static string Geometry(JsonElement geometry)
    {
        if (geometry.ValueKind != JsonValueKind.Object || !geometry.TryGetProperty("type", out var type))
        {
            return "";
        }

        var first = geometry.TryGetProperty("coordinates", out var c) ? c : default;
        while (first.ValueKind == JsonValueKind.Array && first.GetArrayLength() > 0 && first[0].ValueKind == JsonValueKind.Array)
        {
            first = first[0];
        }

        var at = first.ValueKind == JsonValueKind.Array ? " " + first.GetRawText() : "";
        return E(type.GetString() + at);
    }
}
