using System.Globalization;
using System.Text;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Npgsql;

namespace Accessibility.Api.Features.Ogc;

/// <summary>
/// Turns a CQL2 tree into one SQL condition on alias <c>t</c>: property names are looked up in the layer's queryables (their
/// fixed column fragments are the only names that reach the SQL), every literal is a parameter (<c>@cql0</c>, …), and
/// geometries are bound as WKT in lon/lat order to <c>ST_GeomFromText(…, 4490)</c>.
/// </summary>
public sealed class Cql2Sql
{
    /// <summary>The geometry queryable of every layer.</summary>
    public const string GeometryProperty = "geometry";

    /// <summary>Largest number of vertices of the geometry literals of one filter.</summary>
    public const int MaxVertices = 10_000;

    private static readonly Dictionary<string, string> SpatialSql = new(StringComparer.Ordinal)
    {
        ["s_intersects"] = "ST_Intersects",
        ["s_within"] = "ST_Within",
        ["s_contains"] = "ST_Contains",
        ["s_disjoint"] = "ST_Disjoint",
        ["s_equals"] = "ST_Equals",
        ["s_touches"] = "ST_Touches",
        ["s_crosses"] = "ST_Crosses",
        ["s_overlaps"] = "ST_Overlaps",
    };

    private readonly OgcLayer layer;
    private readonly NpgsqlCommand command;
    private readonly bool latitudeFirst;
    private int parameters;
    private int vertices;

    private Cql2Sql(OgcLayer layer, NpgsqlCommand command, bool latitudeFirst)
    {
        this.layer = layer;
        this.command = command;
        this.latitudeFirst = latitudeFirst;
    }

    /// <summary>
    /// Checks <paramref name="filter"/> against the queryables of <paramref name="layer"/> without a command: the message of the
    /// <see cref="CqlException"/> names the property or the mismatch. Geometry literals are in <paramref name="latitudeFirst"/> order.
    /// </summary>
    public static void Check(OgcLayer layer, CqlNode filter, bool latitudeFirst) =>
        new Cql2Sql(layer, new NpgsqlCommand(), latitudeFirst).Condition(filter);

    /// <summary>Appends <c> AND (condition)</c> for <paramref name="filter"/> to <paramref name="sql"/>, its values to <paramref name="command"/>.</summary>
    public static void Append(StringBuilder sql, NpgsqlCommand command, OgcLayer layer, CqlNode filter, bool latitudeFirst)
    {
        ArgumentNullException.ThrowIfNull(sql);
        sql.Append(" AND (").Append(new Cql2Sql(layer, command, latitudeFirst).Condition(filter)).Append(')');
    }

    private string Condition(CqlNode node) => node switch
    {
        CqlAnd and => "(" + string.Join(" AND ", and.Args.Select(Condition)) + ")",
        CqlOr or => "(" + string.Join(" OR ", or.Args.Select(Condition)) + ")",
        CqlNot not => "(NOT " + Condition(not.Arg) + ")",
        CqlBooleanLiteral b => b.Value ? "true" : "false",
        CqlComparison c => Compare(c),
        CqlLike like => Like(like),
        CqlBetween between => Between(between),
        CqlIn @in => In(@in),
        CqlIsNull isNull => "(" + Operand(isNull.Value, null).Sql + " IS NULL)",
        CqlSpatial spatial => Spatial(spatial),
        _ => throw new CqlException("A property or a value is not a predicate."),
    };

    private string Compare(CqlComparison c)
    {
        var (left, right) = Pair(c.Left, c.Right, "compared (" + c.Op + ")");
        if (left.Type == "boolean" && c.Op is not ("=" or "<>"))
        {
            throw new CqlException("A boolean can only be compared with = or <>.");
        }

        return "(" + left.Sql + " " + c.Op + " " + right.Sql + ")";
    }

    private string Like(CqlLike like)
    {
        var (value, pattern) = Pair(like.Value, like.Pattern, "matched with LIKE");
        return value.Type == "string"
            ? "(" + value.Sql + (like.IgnoreCase ? " ILIKE " : " LIKE ") + pattern.Sql + ")"
            : throw new CqlException("LIKE needs a string property and a string pattern.");
    }

    private string Between(CqlBetween between)
    {
        var (value, low) = Pair(between.Value, between.Low, "compared (BETWEEN)");
        var high = Operand(between.High, value.Type);
        if (high.Type != value.Type)
        {
            throw new CqlException("BETWEEN needs bounds of the property's type (" + value.Type + ").");
        }

        return value.Type is "number" or "timestamp" or "string"
            ? "(" + value.Sql + " BETWEEN " + low.Sql + " AND " + high.Sql + ")"
            : throw new CqlException("BETWEEN needs a number, a string or a timestamp.");
    }

    private string In(CqlIn @in)
    {
        var value = Operand(@in.Value, null);
        var items = @in.List.Select(x => Operand(x, value.Type)).ToList();
        if (items.Any(i => i.Type != value.Type))
        {
            throw new CqlException("IN needs values of the property's type (" + value.Type + ").");
        }

        return "(" + value.Sql + " IN (" + string.Join(", ", items.Select(i => i.Sql)) + "))";
    }

    private string Spatial(CqlSpatial spatial)
    {
        var left = GeometryOperand(spatial.Left);
        var right = GeometryOperand(spatial.Right);
        return SpatialSql[spatial.Function] + "(" + left + ", " + right + ")";
    }

    private string GeometryOperand(CqlNode node)
    {
        switch (node)
        {
            case CqlProperty { Name: GeometryProperty }:
                return layer.GeometryColumn;
            case CqlProperty p:
                throw new CqlException("'" + p.Name + "' is not a geometry; the geometry property of " + layer.Id + " is " + GeometryProperty + ".");
            case CqlGeometry g:
                var geometry = g.Value.Copy();
                if (latitudeFirst)
                {
                    // filter-crs EPSG:4490 and EPSG:4326 put latitude first; the stored coordinates are longitude first.
                    geometry.Apply(new SwapAxes());
                    geometry.GeometryChanged();
                }

                vertices += geometry.NumPoints;
                if (vertices > MaxVertices)
                {
                    throw new CqlException(FormattableString.Invariant($"The geometries of a filter may have at most {MaxVertices} vertices."));
                }

                var envelope = geometry.EnvelopeInternal;
                if (geometry.IsEmpty || envelope.MinX < -180 || envelope.MaxX > 180 || envelope.MinY < -90 || envelope.MaxY > 90)
                {
                    throw new CqlException("A geometry lies outside longitude -180..180, latitude -90..90 (is filter-crs right?).");
                }

                if (!geometry.IsValid)
                {
                    throw new CqlException("A " + geometry.GeometryType + " literal is not a valid geometry (self-intersection or too few points).");
                }

                var name = Next();
                command.Parameters.AddWithValue(name, new WKTWriter().Write(geometry));
                return "ST_GeomFromText(@" + name + ", 4490)";
            default:
                throw new CqlException("A spatial function needs the geometry property and a geometry literal.");
        }
    }

    private ((string Sql, string Type) Left, (string Sql, string Type) Right) Pair(CqlNode a, CqlNode b, string verb)
    {
        // The property side fixes the type a literal on the other side is read as.
        var left = a is CqlProperty ? Operand(a, null) : (b is CqlProperty ? (Sql: "", Type: Operand(b, null).Type) : (Sql: "", Type: ""));
        var leftResolved = a is CqlProperty ? left : Operand(a, left.Type.Length > 0 ? left.Type : null);
        var right = Operand(b, leftResolved.Type);
        if (leftResolved.Type != right.Type)
        {
            throw new CqlException("A " + leftResolved.Type + " cannot be " + verb + " with a " + right.Type + ".");
        }

        return (leftResolved, right);
    }

    /// <summary>A property's column, or a literal bound as a parameter of the type <paramref name="expected"/> (when known).</summary>
    private (string Sql, string Type) Operand(CqlNode node, string? expected)
    {
        switch (node)
        {
            case CqlProperty p:
                if (p.Name == GeometryProperty)
                {
                    throw new CqlException("The geometry can only be used in a spatial function (S_INTERSECTS, S_WITHIN, …).");
                }

                var queryable = layer.Queryables.FirstOrDefault(q => q.Name == p.Name)
                    ?? throw new CqlException("Unknown property '" + p.Name + "'. Queryables of " + layer.Id + ": "
                        + string.Join(", ", layer.Queryables.Select(q => q.Name).Append(GeometryProperty)) + ".");
                return (queryable.Column, TypeOf(queryable));
            case CqlLiteral { Value: string s }:
                if (expected == "timestamp")
                {
                    // GDAL 3.6 writes times as quoted strings: an RFC 3339 string compared with a time is read as one.
                    return OgcItemsQuery.TryParseInterval(s, out var start, out var end) && start is { } t && t == end
                        ? (Bind(t.ToUniversalTime()), "timestamp")
                        : throw new CqlException("A time is written TIMESTAMP('2024-05-01T00:00:00Z') or DATE('2024-05-01').");
                }

                return (Bind(s), "string");
            case CqlLiteral { Value: double d }:
                return (Bind(d), "number");
            case CqlLiteral { Value: bool b }:
                return (Bind(b), "boolean");
            case CqlLiteral { Value: DateTimeOffset t }:
                return (Bind(t.ToUniversalTime()), "timestamp");
            case CqlGeometry:
                throw new CqlException("A geometry can only be used in a spatial function (S_INTERSECTS, S_WITHIN, …).");
            default:
                throw new CqlException("A predicate cannot be compared; expected a property or a value.");
        }
    }

    private static string TypeOf(OgcQueryable q) => q.Type switch
    {
        "integer" or "number" => "number",
        "boolean" => "boolean",
        _ when q.Format == "date-time" => "timestamp",
        _ => "string",
    };

    private string Bind(object value)
    {
        var name = Next();
        command.Parameters.AddWithValue(name, value);
        return "@" + name;
    }

    private string Next() => "cql" + (parameters++).ToString(CultureInfo.InvariantCulture);

    private sealed class SwapAxes : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var x = seq.GetX(i);
                seq.SetX(i, seq.GetY(i));
                seq.SetY(i, x);
            }
        }
    }
}
