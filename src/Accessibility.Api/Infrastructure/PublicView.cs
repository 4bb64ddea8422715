using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Inspection and defect records are public (the plans ask for public supervision), but the staff who made
/// each step are named only to signed-in users: anonymous readers see the records with <c>inspector</c> and
/// every <c>actor</c> set to null.
/// </summary>
public static class PublicView
{
    private static readonly string[] PersonFields = ["inspector", "actor"];

    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><paramref name="json"/> as <paramref name="user"/> may see it.</summary>
    public static string ForCaller(ClaimsPrincipal user, string json)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated == true)
        {
            return json;
        }

        var node = JsonNode.Parse(json);
        Redact(node);
        return node?.ToJsonString(Output) ?? json;
    }

    private static void Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(p => p.Key).ToList())
                {
                    if (PersonFields.Contains(name, StringComparer.Ordinal))
                    {
                        o[name] = null;
                    }
                    else
                    {
                        Redact(o[name]);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Redact(item);
                }

                break;
        }
    }
}
