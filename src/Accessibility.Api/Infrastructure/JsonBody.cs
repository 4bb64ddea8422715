using System.Text.Json;
using System.Text.Json.Nodes;
using Accessibility.Api.Geo;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Reads a JSON request body into a record, turning every way it can go wrong into an
/// RFC 7807 answer that names the field: malformed JSON (the JSON path where the parser
/// stopped), a value of the wrong type, a body over the size limit (413), a body that is
/// not JSON at all (415).
/// </summary>
/// <remarks>
/// Handlers take <see cref="HttpRequest"/> rather than a bound body parameter, so that the
/// minimal-API binder never answers a bad body with its own anonymous 400.
/// </remarks>
public static class JsonBody
{
    /// <summary>Deserializes the body into <typeparamref name="T"/> with the API's JSON options.</summary>
    public static async Task<JsonBodyResult<T>> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentType is not null && !request.HasJsonContentType())
        {
            return new(null, TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: "Send the body as application/json."));
        }

        var options = request.HttpContext.RequestServices
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()
            .Value.SerializerOptions;
        try
        {
            // Parsed once as a document first, so that every string and property name is checked
            // (NUL, control characters, lone surrogates) wherever it sits, also inside free-form attributes.
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), DocumentOptions(options));
            }
            catch (JsonException)
            {
                // The serializer's exception names the path where the body broke; the document's does not.
                _ = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options);
                throw;
            }

            using var parsed = document;
            var textErrors = new FieldErrors();
            InputText.Check(document.RootElement, "$", textErrors);
            if (!textErrors.IsEmpty)
            {
                return new(null, textErrors.ToResult(StatusCodes.Status400BadRequest));
            }

            var value = document.RootElement.Deserialize<T>(options);
            if (value is null)
            {
                return new(null, Invalid(StatusCodes.Status400BadRequest, "$", "The body must be a JSON object."));
            }

            return new(value, null);
        }
        catch (JsonException ex)
        {
            return new(null, Invalid(StatusCodes.Status400BadRequest, FieldName(ex.Path), Describe(ex)));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(null, TooLarge());
        }
    }

    private static JsonDocumentOptions DocumentOptions(JsonSerializerOptions options) => new()
    {
        AllowTrailingCommas = options.AllowTrailingCommas,
        CommentHandling = options.ReadCommentHandling,
        MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,
    };

    /// <summary>413 problem details for a body over the configured limit.</summary>
    public static IResult TooLarge() => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large",
        detail: "The body exceeds the size limit (Registry:MaxRequestBodyBytes).");

    /// <summary>A validation problem (400 or 422) naming a single field.</summary>
    public static IResult Invalid(int status, string field, string message) =>
        new FieldErrors().Add(field, message).ToResult(status);

    /// <summary>
    /// Turns a JSON path from <see cref="JsonException.Path"/> (<c>$.attributes.door_width_mm</c>,
    /// <c>$['name']</c>) into the field name the errors use (<c>attributes.door_width_mm</c>);
    /// <c>$</c> for the document itself.
    /// </summary>
    public static string FieldName(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "$";
        }

        var path = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..]
            : jsonPath.StartsWith('$') ? jsonPath[1..] : jsonPath;
        return path.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');
    }

    private static string Describe(JsonException ex)
    {
        var position = ex.LineNumber is { } line
            ? FormattableString.Invariant($" (line {line + 1}, byte {(ex.BytePositionInLine ?? 0) + 1})")
            : "";
        // A syntax error comes from the reader (inner exception); anything else is a value of the wrong type.
        var fromReader = ex.GetType().Name.Contains("JsonReader", StringComparison.Ordinal) ? ex
            : ex.InnerException is not null && ex.InnerException.GetType().Name.Contains("JsonReader", StringComparison.Ordinal) ? ex.InnerException
            : null;
        if (fromReader is not null)
        {
            var reason = fromReader.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return "Malformed JSON" + position + ": " + (cut > 0 ? reason[..cut] : reason);
        }

        return "Value of the wrong type" + position + ".";
    }

    private static readonly JsonSerializerOptions GeoJsonOptions = CreateGeoJsonOptions();

    private static JsonSerializerOptions CreateGeoJsonOptions()
    {
        var o = new JsonSerializerOptions();
        o.Converters.Add(new GeoJsonConverterFactory());
        return o;
    }

    private static readonly GeometryFactory PlainFactory = new();

    /// <summary>
    /// A plain 2D point (<c>{"type":"Point","coordinates":[x,y]}</c>, finite numbers, no other member) read straight
    /// from the node; anything else is left to the GeoJSON serializer, whose round trip through text costs most of a
    /// large import's reading when every feature is such a point.
    /// </summary>
    private static Point? PlainPoint(JsonNode node) =>
        node is JsonObject { Count: 2 } o
        && o["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String && type.GetValue<string>() == "Point"
        && o["coordinates"] is JsonArray { Count: 2 } xy
        && xy[0] is JsonValue xv && xv.GetValueKind() == JsonValueKind.Number && xv.TryGetValue<double>(out var x) && double.IsFinite(x)
        && xy[1] is JsonValue yv && yv.GetValueKind() == JsonValueKind.Number && yv.TryGetValue<double>(out var y) && double.IsFinite(y)
            ? PlainFactory.CreatePoint(new Coordinate(x, y))
            : null;

    /// <summary>
    /// Reads a GeoJSON geometry (RFC 7946) submitted in <paramref name="crs"/>, converts it to
    /// CGCS2000 (SRID 4490), drops any Z or M ordinate (see <see cref="CoordinateConverter.Flatten"/>) and checks that it is usable: present, parseable, not empty, finite
    /// longitude/latitude, and valid (no self-intersection: a LineString must be simple, a
    /// polygon valid by OGC rules). Problems are added to <paramref name="errors"/> under
    /// <paramref name="field"/>.
    /// </summary>
    /// <returns>The converted geometry, or null when an error was recorded.</returns>
    public static Geometry? ReadGeometry(JsonNode? node, InputCrs crs, string field, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (node is null)
        {
            errors.Add(field, "A GeoJSON geometry is required.");
            return null;
        }

        Geometry? parsed;
        try
        {
            parsed = PlainPoint(node) ?? node.Deserialize<Geometry>(GeoJsonOptions);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or FormatException or IndexOutOfRangeException or NotSupportedException)
        {
            // The GeoJSON reader throws a variety of exceptions on malformed coordinates.
            errors.Add(field, "Not a valid GeoJSON geometry: " + ex.Message);
            return null;
        }

        if (parsed is null)
        {
            errors.Add(field, "A GeoJSON geometry is required.");
            return null;
        }

        if (parsed.IsEmpty)
        {
            errors.Add(field, "The geometry is empty.");
            return null;
        }

        Geometry converted;
        try
        {
            converted = CoordinateConverter.Flatten(CoordinateConverter.ToCgcs2000(parsed, crs));
        }
        catch (ArgumentOutOfRangeException)
        {
            errors.Add(field, "Every coordinate must be a finite longitude (-180..180) and latitude (-90..90) in degrees.");
            return null;
        }

        var problem = converted switch
        {
            LineString line when line.Length <= 0 => "A LineString needs two distinct points.",
            LineString line when !line.IsSimple => "The LineString intersects itself.",
            MultiLineString lines when !lines.IsSimple => "The MultiLineString intersects itself.",
            _ when !converted.IsValid => "Invalid geometry: " + (new IsValidOp(converted).ValidationError?.Message ?? "not valid"),
            _ => null,
        };
        if (problem is not null)
        {
            errors.Add(field, problem);
            return null;
        }

        return converted;
    }
}

/// <summary>Either the value read, or the problem answer to send.</summary>
/// <param name="Value">The body, when it could be read.</param>
/// <param name="Problem">The answer to send instead.</param>
public sealed record JsonBodyResult<T>(T? Value, IResult? Problem)
    where T : class;

/// <summary>Field-level errors, collected and sent as one RFC 7807 validation problem.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    /// <summary>True when nothing was recorded.</summary>
    public bool IsEmpty => errors.Count == 0;

    /// <summary>Whether <paramref name="field"/> has an error already.</summary>
    public bool Has(string field) => errors.ContainsKey(field);

    /// <summary>Records an error for <paramref name="field"/> (a JSON path such as <c>attributes.door_width_mm</c>).</summary>
    public FieldErrors Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    /// <summary>Records every error of <paramref name="more"/>.</summary>
    public FieldErrors AddRange(IEnumerable<KeyValuePair<string, string[]>> more)
    {
        ArgumentNullException.ThrowIfNull(more);
        foreach (var (field, messages) in more)
        {
            foreach (var m in messages)
            {
                Add(field, m);
            }
        }

        return this;
    }

    /// <summary>The errors as ASP.NET Core's validation problem expects them.</summary>
    public Dictionary<string, string[]> ToDictionary() =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>
    /// An <c>application/problem+json</c> answer listing the errors under <c>errors</c>:
    /// 400 for a body that cannot be read, 422 for one that can be read but is not acceptable;
    /// <paramref name="title"/> replaces the default title (e.g. for query parameters). A 400 whose errors name route
    /// values or query parameters is titled as such when it is written (<see cref="RequestErrorTitles.Retitle"/>).
    /// </summary>
    public IResult ToResult(int status = StatusCodes.Status422UnprocessableEntity, string? title = null) =>
        TypedResults.Problem(new HttpValidationProblemDetails(ToDictionary())
        {
            Status = status,
            Title = title ?? (status == StatusCodes.Status400BadRequest ? "The request body cannot be read." : "One or more fields are not acceptable."),
        });
}
