using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Converters;

namespace Accessibility.Api.Features.Ogc;

// NuGet serves no maintained CQL2 parser for .NET (nothing under "cql" in the package lists of 2026-12-01), so the
// grammar the registry supports (Basic CQL2, the advanced comparison operators, the spatial functions; OGC 21-065r2)
// is read by the small recursive-descent parser below into an AST, which Cql2Sql turns into parameterised SQL.

/// <summary>A node of a parsed CQL2 filter.</summary>
public abstract record CqlNode;

/// <summary>All of <paramref name="Args"/>.</summary>
public sealed record CqlAnd(IReadOnlyList<CqlNode> Args) : CqlNode;

/// <summary>Any of <paramref name="Args"/>.</summary>
public sealed record CqlOr(IReadOnlyList<CqlNode> Args) : CqlNode;

/// <summary>Not <paramref name="Arg"/>.</summary>
public sealed record CqlNot(CqlNode Arg) : CqlNode;

/// <summary><c>TRUE</c> or <c>FALSE</c> as a whole predicate.</summary>
public sealed record CqlBooleanLiteral(bool Value) : CqlNode;

/// <summary>A binary comparison: <c>=</c>, <c>&lt;&gt;</c>, <c>&lt;</c>, <c>&gt;</c>, <c>&lt;=</c>, <c>&gt;=</c>.</summary>
public sealed record CqlComparison(string Op, CqlNode Left, CqlNode Right) : CqlNode;

/// <summary><c>a LIKE 'pattern'</c> (<c>%</c>, <c>_</c>, <c>\</c> escapes); ILIKE (as GDAL writes it) ignores case.</summary>
public sealed record CqlLike(CqlNode Value, CqlNode Pattern, bool IgnoreCase = false) : CqlNode;

/// <summary><c>a BETWEEN low AND high</c>.</summary>
public sealed record CqlBetween(CqlNode Value, CqlNode Low, CqlNode High) : CqlNode;

/// <summary><c>a IN (…)</c>.</summary>
public sealed record CqlIn(CqlNode Value, IReadOnlyList<CqlNode> List) : CqlNode;

/// <summary><c>a IS NULL</c>.</summary>
public sealed record CqlIsNull(CqlNode Value) : CqlNode;

/// <summary>A spatial function (<c>s_intersects</c>, <c>s_within</c>, …) of two geometries.</summary>
public sealed record CqlSpatial(string Function, CqlNode Left, CqlNode Right) : CqlNode;

/// <summary>A property (queryable) name.</summary>
public sealed record CqlProperty(string Name) : CqlNode;

/// <summary>A literal: string, double, boolean, or <see cref="DateTimeOffset"/> (DATE, TIMESTAMP).</summary>
public sealed record CqlLiteral(object Value) : CqlNode;

/// <summary>A geometry literal, in the axis order of <c>filter-crs</c> as written.</summary>
public sealed record CqlGeometry(Geometry Value) : CqlNode;

/// <summary>A filter that cannot be read: the message names the place (a character position or a JSON path).</summary>
public sealed class CqlException(string message) : Exception(message);

/// <summary>Reads CQL2 text and CQL2 JSON into <see cref="CqlNode"/> trees.</summary>
public static class Cql2
{
    /// <summary>The spatial functions understood, by their CQL2 name (lower case).</summary>
    public static readonly IReadOnlySet<string> SpatialFunctions = new HashSet<string>(StringComparer.Ordinal)
    {
        "s_intersects", "s_within", "s_contains", "s_disjoint", "s_equals", "s_touches", "s_crosses", "s_overlaps",
    };

    /// <summary>The deepest nesting read, so a hostile filter cannot exhaust the stack.</summary>
    private const int MaxDepth = 64;

    /// <summary>Parses CQL2 text.</summary>
    /// <exception cref="CqlException">With the character position (1-based) of the fault.</exception>
    public static CqlNode ParseText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new TextParser(text);
        var node = parser.Expression(0);
        parser.ExpectEnd();
        return node;
    }

    /// <summary>Parses CQL2 JSON.</summary>
    /// <exception cref="CqlException">With the JSON path of the fault.</exception>
    public static CqlNode ParseJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CqlException("Not JSON: " + e.Message);
        }

        return JsonParser.Predicate(root, "$", 0);
    }

    private sealed class TextParser(string text)
    {
        private int pos;

        private CqlException Error(string message, int? at = null) =>
            new(string.Create(CultureInfo.InvariantCulture, $"At character {(at ?? pos) + 1}: {message}"));

        public void ExpectEnd()
        {
            SkipSpace();
            if (pos < text.Length)
            {
                throw Error("unexpected '" + Snippet() + "'; expected AND, OR or the end of the filter.");
            }
        }

        private string Snippet() => text.Substring(pos, Math.Min(20, text.Length - pos));

        private void SkipSpace()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }
        }

        /// <summary>The keyword at the position (letters, digits, underscore), without consuming it.</summary>
        private string PeekWord()
        {
            SkipSpace();
            var end = pos;
            while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }

            return text[pos..end].ToUpperInvariant();
        }

        private bool TryWord(string word)
        {
            if (PeekWord() != word)
            {
                return false;
            }

            pos += word.Length;
            return true;
        }

        private void ExpectWord(string word)
        {
            if (!TryWord(word))
            {
                throw Error("expected " + word + ".");
            }
        }

        private bool TryChar(char c)
        {
            SkipSpace();
            if (pos < text.Length && text[pos] == c)
            {
                pos++;
                return true;
            }

            return false;
        }

        private void ExpectChar(char c)
        {
            if (!TryChar(c))
            {
                throw Error("expected '" + c + "'" + (pos < text.Length ? ", found '" + Snippet() + "'." : " before the end of the filter."));
            }
        }

        public CqlNode Expression(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error("the filter is nested too deeply.");
            }

            var terms = new List<CqlNode> { Term(depth) };
            while (TryWord("OR"))
            {
                terms.Add(Term(depth));
            }

            return terms.Count == 1 ? terms[0] : new CqlOr(terms);
        }

        private CqlNode Term(int depth)
        {
            var factors = new List<CqlNode> { Factor(depth) };
            while (TryWord("AND"))
            {
                factors.Add(Factor(depth));
            }

            return factors.Count == 1 ? factors[0] : new CqlAnd(factors);
        }

        private CqlNode Factor(int depth)
        {
            if (TryWord("NOT"))
            {
                return new CqlNot(Factor(depth + 1));
            }

            SkipSpace();
            var start = pos;
            if (TryChar('('))
            {
                var inner = Expression(depth + 1);
                ExpectChar(')');
                return inner;
            }

            var word = PeekWord();
            if (SpatialFunctions.Contains(word.ToLowerInvariant()))
            {
                pos += word.Length;
                ExpectChar('(');
                var left = GeometryOperand();
                ExpectChar(',');
                var right = GeometryOperand();
                ExpectChar(')');
                return new CqlSpatial(word.ToLowerInvariant(), left, right);
            }

            var value = Scalar();
            if (value is CqlLiteral { Value: bool b } && IsPredicateEnd())
            {
                return new CqlBooleanLiteral(b);
            }

            SkipSpace();
            foreach (var op in (string[])["<>", "<=", ">=", "=", "<", ">"])
            {
                if (string.CompareOrdinal(text, pos, op, 0, op.Length) == 0)
                {
                    pos += op.Length;
                    return new CqlComparison(op, value, Scalar());
                }
            }

            var negated = TryWord("NOT");
            CqlNode predicate;
            if (TryWord("LIKE"))
            {
                predicate = new CqlLike(value, Scalar());
            }
            else if (TryWord("ILIKE"))
            {
                predicate = new CqlLike(value, Scalar(), IgnoreCase: true);
            }
            else if (TryWord("BETWEEN"))
            {
                var low = Scalar();
                ExpectWord("AND");
                predicate = new CqlBetween(value, low, Scalar());
            }
            else if (TryWord("IN"))
            {
                ExpectChar('(');
                var list = new List<CqlNode> { Scalar() };
                while (TryChar(','))
                {
                    list.Add(Scalar());
                }

                ExpectChar(')');
                predicate = new CqlIn(value, list);
            }
            else if (!negated && TryWord("IS"))
            {
                var not = TryWord("NOT");
                ExpectWord("NULL");
                return not ? new CqlNot(new CqlIsNull(value)) : new CqlIsNull(value);
            }
            else
            {
                throw Error("expected a comparison (=, <>, <, >, <=, >=), LIKE, ILIKE, BETWEEN, IN or IS NULL after the operand at character "
                    + (start + 1).ToString(CultureInfo.InvariantCulture) + (pos < text.Length ? ", found '" + Snippet() + "'." : "."));
            }

            return negated ? new CqlNot(predicate) : predicate;
        }

        private bool IsPredicateEnd()
        {
            SkipSpace();
            var w = PeekWord();
            return pos >= text.Length || text[pos] == ')' || w is "AND" or "OR";
        }

        /// <summary>A property, a string, a number, a boolean, DATE('…') or TIMESTAMP('…').</summary>
        private CqlNode Scalar()
        {
            SkipSpace();
            if (pos >= text.Length)
            {
                throw Error("expected a property or a value before the end of the filter.");
            }

            var c = text[pos];
            if (c == '\'')
            {
                return new CqlLiteral(StringLiteral());
            }

            if (c == '"')
            {
                var start = pos++;
                var end = text.IndexOf('"', pos);
                if (end < 0)
                {
                    throw Error("unterminated quoted property name.", start);
                }

                var name = text[pos..end];
                pos = end + 1;
                return new CqlProperty(name);
            }

            if (char.IsAsciiDigit(c) || c is '-' or '+' or '.')
            {
                return new CqlLiteral(Number());
            }

            var word = PeekWord();
            if (word.Length == 0)
            {
                throw Error("expected a property or a value, found '" + Snippet() + "'.");
            }

            switch (word)
            {
                case "TRUE" or "FALSE":
                    pos += word.Length;
                    return new CqlLiteral(word == "TRUE");
                case "DATE" or "TIMESTAMP":
                    pos += word.Length;
                    ExpectChar('(');
                    SkipSpace();
                    var at = pos;
                    var instant = StringLiteral();
                    ExpectChar(')');
                    if (word == "DATE"
                        ? !DateTimeOffset.TryParseExact(instant, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                        : !(instant.Contains('T', StringComparison.OrdinalIgnoreCase)
                            && DateTimeOffset.TryParse(instant, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out t)))
                    {
                        throw Error(word == "DATE" ? "expected a date yyyy-mm-dd." : "expected an RFC 3339 timestamp.", at);
                    }

                    return new CqlLiteral(t);
            }

            // A property name: letters, digits, underscore, and the dot and colon of namespaced names.
            var nameStart = pos;
            while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] is '_' or '.' or ':'))
            {
                pos++;
            }

            return new CqlProperty(text[nameStart..pos]);
        }

        private string StringLiteral()
        {
            var start = pos;
            ExpectChar('\'');
            var value = new StringBuilder();
            while (true)
            {
                if (pos >= text.Length)
                {
                    throw Error("unterminated string.", start);
                }

                if (text[pos] == '\'')
                {
                    if (pos + 1 < text.Length && text[pos + 1] == '\'')
                    {
                        value.Append('\'');
                        pos += 2;
                        continue;
                    }

                    pos++;
                    return value.ToString();
                }

                value.Append(text[pos++]);
            }
        }

        private double Number()
        {
            var start = pos;
            if (text[pos] is '-' or '+')
            {
                pos++;
            }

            while (pos < text.Length && (char.IsAsciiDigit(text[pos]) || text[pos] is '.' or 'e' or 'E'
                || (text[pos] is '-' or '+' && text[pos - 1] is 'e' or 'E')))
            {
                pos++;
            }

            if (!double.TryParse(text.AsSpan(start, pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n))
            {
                throw Error("not a number: '" + text[start..pos] + "'.", start);
            }

            return n;
        }

        /// <summary>A property or a geometry literal: WKT (POINT, LINESTRING, POLYGON, MULTI…, GEOMETRYCOLLECTION) or BBOX(…).</summary>
        private CqlNode GeometryOperand()
        {
            var word = PeekWord();
            var start = pos;
            if (word == "BBOX")
            {
                pos += word.Length;
                ExpectChar('(');
                var values = new List<double> { Number2() };
                while (TryChar(','))
                {
                    values.Add(Number2());
                }

                ExpectChar(')');
                return new CqlGeometry(Bbox(values, () => Error("BBOX takes 4 (or 6) numbers, lower corner first.", start)));
            }

            if (word is "POINT" or "LINESTRING" or "POLYGON" or "MULTIPOINT" or "MULTILINESTRING" or "MULTIPOLYGON" or "GEOMETRYCOLLECTION")
            {
                // The literal runs to its balanced closing parenthesis; NTS reads it.
                var open = text.IndexOf('(', pos);
                if (open < 0)
                {
                    throw Error("expected '(' after " + word + ".");
                }

                var depth = 0;
                var end = open;
                for (; end < text.Length; end++)
                {
                    depth += text[end] == '(' ? 1 : text[end] == ')' ? -1 : 0;
                    if (depth == 0)
                    {
                        break;
                    }
                }

                if (depth != 0)
                {
                    throw Error("unbalanced parentheses in the " + word + " literal.", start);
                }

                var wkt = text[pos..(end + 1)];
                pos = end + 1;
                try
                {
                    return new CqlGeometry(new WKTReader().Read(wkt));
                }
                catch (Exception e) when (e is ParseException or ArgumentException or FormatException or InvalidOperationException)
                {
                    throw Error("not a valid " + word + " literal: " + e.Message, start);
                }
            }

            var scalar = Scalar();
            return scalar is CqlProperty ? scalar : throw Error("expected a geometry property, a WKT geometry or BBOX(…).", start);
        }

        private double Number2()
        {
            SkipSpace();
            return Number();
        }
    }

    /// <summary>A box of 4 (2D) or 6 (3D, heights ignored) numbers as a polygon.</summary>
    internal static Geometry Bbox(IReadOnlyList<double> v, Func<CqlException> error)
    {
        var (a, b, c, d) = v.Count switch
        {
            4 => (v[0], v[1], v[2], v[3]),
            6 => (v[0], v[1], v[3], v[4]),
            _ => throw error(),
        };
        if (!(a <= c && b <= d))
        {
            throw error();
        }

        return new GeometryFactory().ToGeometry(new Envelope(a, c, b, d));
    }

    private static class JsonParser
    {
        private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory() } };

        private static CqlException Error(string path, string message) => new("At " + path + ": " + message);

        public static CqlNode Predicate(JsonNode? node, string path, int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error(path, "the filter is nested too deeply.");
            }

            if (node is JsonValue v && v.TryGetValue<bool>(out var b))
            {
                return new CqlBooleanLiteral(b);
            }

            if (node is not JsonObject o || o["op"] is not JsonValue opValue || !opValue.TryGetValue<string>(out var op))
            {
                throw Error(path, "expected an object with \"op\" and \"args\".");
            }

            if (o["args"] is not JsonArray args)
            {
                throw Error(path, "expected \"args\", an array.");
            }

            JsonNode? Arg(int i) => i < args.Count ? args[i] : throw Error(path + ".args", "op " + op + " takes more arguments.");
            string At(int i) => path + ".args[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            void Count(int n)
            {
                if (args.Count != n)
                {
                    throw Error(path + ".args", "op " + op + " takes " + n.ToString(CultureInfo.InvariantCulture) + " arguments.");
                }
            }

            switch (op)
            {
                case "and" or "or":
                    if (args.Count < 2)
                    {
                        throw Error(path + ".args", "op " + op + " takes at least 2 arguments.");
                    }

                    var list = args.Select((a, i) => Predicate(a, At(i), depth + 1)).ToList();
                    return op == "and" ? new CqlAnd(list) : new CqlOr(list);
                case "not":
                    Count(1);
                    return new CqlNot(Predicate(Arg(0), At(0), depth + 1));
                case "=" or "<>" or "<" or ">" or "<=" or ">=":
                    Count(2);
                    return new CqlComparison(op, Scalar(Arg(0), At(0)), Scalar(Arg(1), At(1)));
                case "like":
                    Count(2);
                    return new CqlLike(Scalar(Arg(0), At(0)), Scalar(Arg(1), At(1)));
                case "between":
                    Count(3);
                    return new CqlBetween(Scalar(Arg(0), At(0)), Scalar(Arg(1), At(1)), Scalar(Arg(2), At(2)));
                case "in":
                    Count(2);
                    if (Arg(1) is not JsonArray values || values.Count == 0)
                    {
                        throw Error(At(1), "expected a non-empty array of values.");
                    }

                    return new CqlIn(Scalar(Arg(0), At(0)), values.Select((x, i) => Scalar(x, At(1) + "[" + i.ToString(CultureInfo.InvariantCulture) + "]")).ToList());
                case "isNull":
                    Count(1);
                    return new CqlIsNull(Scalar(Arg(0), At(0)));
                default:
                    if (SpatialFunctions.Contains(op))
                    {
                        Count(2);
                        return new CqlSpatial(op, GeometryOperand(Arg(0), At(0)), GeometryOperand(Arg(1), At(1)));
                    }

                    throw Error(path + ".op", "unknown op '" + op + "'; expected and, or, not, =, <>, <, >, <=, >=, like, between, in, isNull or "
                        + string.Join(", ", SpatialFunctions) + ".");
            }
        }

        private static CqlNode Scalar(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    return new CqlLiteral(v.GetValue<string>());
                case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                    return new CqlLiteral(v.GetValue<double>());
                case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                    return new CqlLiteral(v.GetValue<bool>());
                case JsonObject o when o["property"] is JsonValue p && p.TryGetValue<string>(out var name):
                    return new CqlProperty(name);
                case JsonObject o when o["timestamp"] is JsonValue t && t.TryGetValue<string>(out var ts):
                    return DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) && ts.Contains('T', StringComparison.OrdinalIgnoreCase)
                        ? new CqlLiteral(instant)
                        : throw Error(path + ".timestamp", "expected an RFC 3339 timestamp.");
                case JsonObject o when o["date"] is JsonValue d && d.TryGetValue<string>(out var ds):
                    return DateTimeOffset.TryParseExact(ds, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day)
                        ? new CqlLiteral(day)
                        : throw Error(path + ".date", "expected a date yyyy-mm-dd.");
                default:
                    throw Error(path, "expected {\"property\": …}, a string, a number, a boolean, {\"date\": …} or {\"timestamp\": …}.");
            }
        }

        private static CqlNode GeometryOperand(JsonNode? node, string path)
        {
            if (node is JsonObject o)
            {
                if (o["property"] is JsonValue p && p.TryGetValue<string>(out var name))
                {
                    return new CqlProperty(name);
                }

                if (o["bbox"] is JsonArray box)
                {
                    var values = box.Select(x => x is JsonValue n && n.TryGetValue<double>(out var d) ? d : double.NaN).ToList();
                    return new CqlGeometry(Bbox(values.Any(double.IsNaN) ? [] : values, () => Error(path + ".bbox", "expected 4 (or 6) numbers, lower corner first.")));
                }

                if (o["type"] is not null)
                {
                    try
                    {
                        return o.Deserialize<Geometry>(GeoJson) is { } g ? new CqlGeometry(g) : throw Error(path, "expected a GeoJSON geometry.");
                    }
                    catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
                    {
                        throw Error(path, "not a valid GeoJSON geometry: " + e.Message);
                    }
                }
            }

            throw Error(path, "expected {\"property\": …}, a GeoJSON geometry or {\"bbox\": […]}.");
        }
    }
}
