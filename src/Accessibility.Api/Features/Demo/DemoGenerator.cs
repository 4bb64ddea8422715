using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Features.Facilities;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;

namespace Accessibility.Api.Features.Demo;

/// <summary>How much demo data to generate for a district.</summary>
public enum DemoDensity
{
    /// <summary>A county town street grid, county roads to the townships and a few hundred facilities.</summary>
    Full,

    /// <summary>A small street grid and about twenty facilities, one or two of every kind.</summary>
    Light,
}

/// <summary>One district to generate demo data for.</summary>
/// <param name="Code">GB/T 2260 code, e.g. <c>140881</c>.</param>
/// <param name="Name">Name, e.g. <c>永济市</c>.</param>
/// <param name="Boundary">Boundary (CGCS2000 longitude/latitude); every generated geometry lies inside it.</param>
/// <param name="Townships">Townships and street offices (镇/乡/街道) of the district.</param>
/// <param name="Density">How much to generate.</param>
/// <param name="Centre">The county town centre; when null (or outside the boundary), the polygon's interior point.</param>
public sealed record DemoDistrict(
    string Code,
    string Name,
    MultiPolygon Boundary,
    IReadOnlyList<(string Code, string Name)> Townships,
    DemoDensity Density,
    Point? Centre = null);

/// <summary>A generated (synthetic) facility.</summary>
/// <param name="Kind">Facility kind code from the catalog.</param>
/// <param name="Name">Chinese display name.</param>
/// <param name="Geometry">Point or LineString, SRID 4490.</param>
/// <param name="Attributes">Attributes valid against the kind's schema.</param>
/// <param name="Status">Status code from the catalog.</param>
/// <param name="ManagingUnit">管理责任单位.</param>
/// <param name="DistrictCode">Code of the district the facility lies in.</param>
/// <param name="ExternalId"><c>demo-&lt;districtCode&gt;-&lt;n&gt;</c>, stable for a given seed, so a re-run upserts.</param>
public sealed record DemoFacility(
    string Kind,
    string Name,
    Geometry Geometry,
    JsonObject Attributes,
    string Status,
    string ManagingUnit,
    string DistrictCode,
    string ExternalId);

/// <summary>A generated (synthetic) road or street segment.</summary>
/// <param name="Name">Street name.</param>
/// <param name="RoadClass">Road class code from the catalog: main, secondary or branch.</param>
/// <param name="Geometry">The segment, SRID 4490.</param>
/// <param name="SidewalkWidthM">Narrowest sidewalk width in metres; null where there is no sidewalk.</param>
/// <param name="CurbRampStart">Curb ramp at the start of the segment.</param>
/// <param name="CurbRampEnd">Curb ramp at the end of the segment.</param>
/// <param name="TactilePaving"><c>none</c>, <c>partial</c> or <c>continuous</c>.</param>
/// <param name="Surface"><c>asphalt</c>, <c>concrete</c>, <c>paving_stones</c> or <c>gravel</c>.</param>
/// <param name="DistrictCode">Code of the district.</param>
/// <param name="ExternalId"><c>demo-&lt;districtCode&gt;-r&lt;n&gt;</c>.</param>
public sealed record DemoRoad(
    string Name,
    string RoadClass,
    LineString Geometry,
    double? SidewalkWidthM,
    bool CurbRampStart,
    bool CurbRampEnd,
    string TactilePaving,
    string Surface,
    string DistrictCode,
    string ExternalId);

/// <summary>Everything generated for a set of districts.</summary>
/// <param name="Facilities">Facilities, district by district in input order.</param>
/// <param name="Roads">Road segments, district by district in input order.</param>
public sealed record DemoData(IReadOnlyList<DemoFacility> Facilities, IReadOnlyList<DemoRoad> Roads);

/// <summary>
/// Generates a plausible, synthetic, deterministic demo data set: a county town street grid,
/// county roads to the townships, and facilities of every catalog kind along the streets, with
/// a mix of compliant and non-compliant measurements. Pure: no database, no clock, and its own
/// PRNG so the output depends only on the inputs and the seed, not on the runtime's
/// <see cref="Random"/> implementation.
/// </summary>
public static class DemoGenerator
{
    /// <summary>SRID of every generated geometry (CGCS2000).</summary>
    public const int Srid = 4490;

    /// <summary>Generates demo data for <paramref name="districts"/>; the same inputs and seed give identical output.</summary>
    public static DemoData Generate(IEnumerable<DemoDistrict> districts, FacilityKindCatalog catalog, long seed)
    {
        ArgumentNullException.ThrowIfNull(districts);
        ArgumentNullException.ThrowIfNull(catalog);
        var facilities = new List<DemoFacility>();
        var roads = new List<DemoRoad>();
        foreach (var district in districts)
        {
            // One stream per district, so adding a district does not change the others.
            var rng = new SplitMix64(unchecked((ulong)seed) ^ Fnv1a(district.Code));
            var builder = new DistrictBuilder(district, catalog, rng);
            builder.Build();
            facilities.AddRange(builder.Facilities);
            roads.AddRange(builder.Roads);
        }

        return new DemoData(facilities, roads);
    }

    /// <summary>First quarter in which demo records take effect.</summary>
    public static readonly DateOnly FirstEffectiveQuarter = new(2021, 1, 1);

    /// <summary>Quarters over which demo records take effect: 2021 Q1 to 2026 Q2.</summary>
    public const int EffectiveQuarters = 22;

    /// <summary>
    /// The first day of the quarter from which the demo record <paramref name="externalId"/> exists (China Standard
    /// Time), from 2021 Q1 to 2026 Q2, more of them later (the square root of a uniform draw: building picks up over the
    /// plan period), so the annual report of a past year shows a plausible, smaller registry. Depends only on the id.
    /// </summary>
    public static DateOnly EffectiveDate(string externalId)
    {
        ArgumentNullException.ThrowIfNull(externalId);
        // FNV-1a's high bits barely change between ids that differ in their last digits: mixed first (MurmurHash3's fmix64).
        var h = Fnv1a(externalId);
        h = unchecked((h ^ (h >> 33)) * 0xff51afd7ed558ccdUL);
        h = unchecked((h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53UL);
        h ^= h >> 33;
        var u = (h >> 11) * (1.0 / (1UL << 53));
        var quarter = Math.Min(EffectiveQuarters - 1, (int)(EffectiveQuarters * Math.Sqrt(u)));
        return FirstEffectiveQuarter.AddMonths(3 * quarter);
    }

    // string.GetHashCode is randomised per process: FNV-1a over UTF-8 is stable.
    internal static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }

        return hash;
    }

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, fully specified.</summary>
    internal sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong NextUInt64()
        {
            var z = unchecked(_state += 0x9E3779B97F4A7C15UL);
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, 1) from the top 53 bits.</summary>
        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        public double Range(double min, double max) => min + (NextDouble() * (max - min));

        public int Int(int minInclusive, int maxInclusive) =>
            minInclusive + (int)(NextUInt64() % (ulong)(maxInclusive - minInclusive + 1));

        public bool Chance(double p) => NextDouble() < p;

        public T Pick<T>(IReadOnlyList<T> items) => items[Int(0, items.Count - 1)];

        public T Weighted<T>(params (T Item, double Weight)[] items)
        {
            var total = items.Sum(i => i.Weight);
            var x = NextDouble() * total;
            foreach (var (item, weight) in items)
            {
                x -= weight;
                if (x < 0)
                {
                    return item;
                }
            }

            return items[^1].Item;
        }

        public void Shuffle<T>(IList<T> items)
        {
            for (var i = items.Count - 1; i > 0; i--)
            {
                var j = Int(0, i);
                (items[i], items[j]) = (items[j], items[i]);
            }
        }
    }

    /// <summary>A point in the local grid frame: metres east (U) and north (V) of the town centre, before rotation.</summary>
    private readonly record struct P(double U, double V)
    {
        public static P operator +(P a, P b) => new(a.U + b.U, a.V + b.V);

        public static P operator -(P a, P b) => new(a.U - b.U, a.V - b.V);

        public static P operator *(P a, double k) => new(a.U * k, a.V * k);

        public double Length => Math.Sqrt((U * U) + (V * V));

        public P Unit => this * (1 / Length);

        public P Normal => new(-V, U);
    }

    private sealed record Street(string Name, string RoadClass);

    /// <summary>A road segment in the local frame, with the names of the streets crossing its ends.</summary>
    private sealed record Segment(string Name, string RoadClass, P A, P B, string FromCross, string ToCross, string Tactile);

    private sealed record Site(string Name, string Subtype, P At, int Floors);

    private sealed record Township(string Code, string Name, string Short, bool StreetOffice, P Centre, List<Segment> Streets);

    private sealed class DistrictBuilder
    {
        private static readonly string[] MainStreetNames = ["人民路", "解放路", "中山路", "建设路", "新华路", "胜利路", "和平路", "迎宾大道"];

        private static readonly string[] StreetNames =
        [
            "文化街", "团结路", "东风路", "青年路", "振兴街", "育才路", "工农路", "银杏街", "滨河路", "学府街",
            "健康路", "花园街", "幸福街", "朝阳路", "光明街", "开元路", "兴业路", "商贸街", "市场街", "站前路",
            "府前街", "鼓楼街", "南关街", "北关街", "槐树街", "体育路", "民主路", "红旗街", "永安路", "富民路",
            "长乐街", "平安街",
        ];

        private static readonly string[] Corners = ["西北", "东北", "东南", "西南"];
        private static readonly P[] CornerOffsets = [new(-1, 1), new(1, 1), new(1, -1), new(-1, -1)];

        private readonly DemoDistrict _district;
        private readonly FacilityKindCatalog _catalog;
        private readonly SplitMix64 _rng;
        private readonly GeometryFactory _factory = new(new PrecisionModel(), Srid);
        private readonly IPreparedGeometry _inside;
        private readonly bool _full;
        private readonly string _d;      // 永济市
        private readonly string _dShort; // 永济
        private readonly double _lon0;
        private readonly double _lat0;
        private readonly double _metresPerDegreeLon;
        private readonly double _cos;
        private readonly double _sin;
        private readonly List<Segment> _town = [];
        private readonly List<Site> _sites = [];
        private readonly List<Township> _townships = [];
        private readonly HashSet<string> _kindsMade = new(StringComparer.Ordinal);
        private Street[] _ns = [];
        private Street[] _ew = [];
        private double[] _pos = [];
        private double _gridRadius;

        private const double MetresPerDegreeLat = 110_574;

        public DistrictBuilder(DemoDistrict district, FacilityKindCatalog catalog, SplitMix64 rng)
        {
            _district = district;
            _catalog = catalog;
            _rng = rng;
            _full = district.Density == DemoDensity.Full;
            _inside = PreparedGeometryFactory.Prepare(district.Boundary);
            _d = district.Name;
            _dShort = ShortName(district.Name);

            var centre = district.Centre is { IsEmpty: false } c && _inside.Contains(c)
                ? c.Coordinate
                : district.Boundary.InteriorPoint.Coordinate;
            _lon0 = centre.X;
            _lat0 = centre.Y;
            _metresPerDegreeLon = 111_320 * Math.Cos(_lat0 * Math.PI / 180);

            // A small rotation, so that not every county's grid is aligned with the meridians.
            var theta = _rng.Range(-15, 15) * Math.PI / 180;
            _cos = Math.Cos(theta);
            _sin = Math.Sin(theta);
        }

        public List<DemoFacility> Facilities { get; } = [];

        public List<DemoRoad> Roads { get; } = [];

        public void Build()
        {
            BuildGrid();
            PlaceTownships();
            PublicBuildings();
            BuildingFacilities();
            PublicToilets();
            CurbRampsAndSignals();
            BusStops();
            TactilePaving();
            CrossingStructures();
            DisabilityServices();
            EmergencyShelters();
            OtherKinds();
        }

        // ---------------------------------------------------------------- streets

        private void BuildGrid()
        {
            var n = _full ? 9 : 3;
            var mid = n / 2;
            var env = _district.Boundary.EnvelopeInternal;
            var smallest = Math.Min(env.Width * _metresPerDegreeLon, env.Height * MetresPerDegreeLat);

            // A county town is 3–4 km across; shrink the grid for a small urban district.
            var spacing = Math.Clamp(smallest / (2.5 * (n - 1)), 60, _full ? 450 : 380);
            _pos = new double[n];
            for (var i = 0; i < n; i++)
            {
                _pos[i] = ((i - mid) * spacing) + (i == mid ? 0 : _rng.Range(-0.12, 0.12) * spacing);
            }

            _gridRadius = mid * spacing * 1.15;

            var mains = MainStreetNames.ToList();
            var others = StreetNames.ToList();
            _rng.Shuffle(mains);
            _rng.Shuffle(others);
            var nextMain = 0;
            var nextOther = 0;
            Street MakeStreet(int i, string westOrSouthRing, string eastOrNorthRing)
            {
                if (i == mid)
                {
                    return new Street(mains[nextMain++ % mains.Count], "main");
                }

                if (i == 0 || i == n - 1)
                {
                    return new Street(i == 0 ? westOrSouthRing : eastOrNorthRing, "secondary");
                }

                var roadClass = Math.Abs(i - mid) == 2 ? "secondary" : "branch";
                return new Street(others[nextOther++ % others.Count], roadClass);
            }

            _ns = Enumerable.Range(0, n).Select(i => MakeStreet(i, "西环路", "东环路")).ToArray();
            _ew = Enumerable.Range(0, n).Select(i => MakeStreet(i, "南环路", "北环路")).ToArray();

            for (var j = 0; j < n; j++)
            {
                for (var i = 0; i + 1 < n; i++)
                {
                    // East–west block of street j between cross streets i and i+1, then the north–south one.
                    AddTownSegment(_ew[j], new P(_pos[i], _pos[j]), new P(_pos[i + 1], _pos[j]), _ns[i].Name, _ns[i + 1].Name);
                    AddTownSegment(_ns[j], new P(_pos[j], _pos[i]), new P(_pos[j], _pos[i + 1]), _ew[i].Name, _ew[i + 1].Name);
                }
            }
        }

        private void AddTownSegment(Street street, P a, P b, string fromCross, string toCross)
        {
            var line = Line(a, b);
            if (line is null)
            {
                return;
            }

            var (sidewalk, rampP, tactile, surface) = street.RoadClass switch
            {
                "main" => (Round(_rng.Range(2.5, 5.0), 1), 0.8,
                    _rng.Weighted(("continuous", 0.55), ("partial", 0.3), ("none", 0.15)), "asphalt"),
                "secondary" => (Round(_rng.Range(1.5, 3.5), 1), 0.6,
                    _rng.Weighted(("continuous", 0.25), ("partial", 0.35), ("none", 0.4)),
                    _rng.Weighted(("asphalt", 0.8), ("concrete", 0.2))),
                _ => (_rng.Chance(0.25) ? (double?)null : Round(_rng.Range(0.8, 2.5), 1), 0.35,
                    _rng.Weighted(("continuous", 0.05), ("partial", 0.15), ("none", 0.8)),
                    _rng.Weighted(("concrete", 0.5), ("asphalt", 0.3), ("paving_stones", 0.15), ("gravel", 0.05))),
            };
            if (sidewalk is null)
            {
                tactile = "none"; // no sidewalk, nowhere to lay tactile paving
            }

            AddRoad(street.Name, street.RoadClass, line, sidewalk, _rng.Chance(rampP), _rng.Chance(rampP), tactile, surface);
            _town.Add(new Segment(street.Name, street.RoadClass, a, b, fromCross, toCross, tactile));
        }

        private void AddRoad(string name, string roadClass, LineString line, double? sidewalk, bool rampStart, bool rampEnd, string tactile, string surface) =>
            Roads.Add(new DemoRoad(name, roadClass, line, sidewalk, sidewalk is not null && rampStart, sidewalk is not null && rampEnd,
                tactile, surface, _district.Code, $"demo-{_district.Code}-r{Roads.Count + 1}"));

        private void PlaceTownships()
        {
            var rural = _district.Townships.Where(t => !IsStreetOffice(t.Name)).ToList();
            var nodes = InsideNodes().ToList();
            var k = 0;
            foreach (var (code, name) in _district.Townships)
            {
                var shortName = ShortName(name);
                if (IsStreetOffice(name))
                {
                    // 街道 (street offices) are quarters of the town itself.
                    var node = nodes.Count > 0 ? _rng.Pick(nodes) : new P(0, 0);
                    _townships.Add(new Township(code, name, shortName, true, node, _town));
                    continue;
                }

                var angle = (2 * Math.PI * k++ / rural.Count) + _rng.Range(-0.3, 0.3);
                var dir = new P(Math.Cos(angle), Math.Sin(angle));
                var reach = _gridRadius;
                while (reach < 60_000 && Inside(dir * (reach + 250)))
                {
                    reach += 250;
                }

                if (reach < _gridRadius + 1500)
                {
                    // No room in that direction (narrow or concave county): put the seat in town.
                    _townships.Add(new Township(code, name, shortName, false, nodes.Count > 0 ? _rng.Pick(nodes) : new P(0, 0), _town));
                    continue;
                }

                var centre = dir * (_gridRadius + (_rng.Range(0.45, 0.85) * (reach - _gridRadius)));
                var streets = new List<Segment>();
                if (_full)
                {
                    CountyRoad($"{_dShort}至{shortName}公路", dir * _gridRadius, centre);
                    MainStreet($"{shortName}大街", centre, dir.Normal, streets);
                }

                _townships.Add(new Township(code, name, shortName, false, centre, streets));
            }
        }

        /// <summary>A county road from the edge of town to a township seat, in 500 m pieces, kept where inside.</summary>
        private void CountyRoad(string name, P from, P to)
        {
            var bend = (from + to) * 0.5 + ((to - from).Normal * _rng.Range(-0.08, 0.08));
            var points = new List<P>();
            foreach (var (a, b) in new[] { (from, bend), (bend, to) })
            {
                var pieces = Math.Max(1, (int)Math.Ceiling((b - a).Length / 500));
                for (var i = points.Count == 0 ? 0 : 1; i <= pieces; i++)
                {
                    points.Add(a + ((b - a) * ((double)i / pieces)));
                }
            }

            var run = new List<P>();
            void Flush()
            {
                if (run.Count >= 2)
                {
                    AddRoad(name, "main", Line([.. run])!, null, false, false, "none", "asphalt");
                }

                run.Clear();
            }

            for (var i = 0; i + 1 < points.Count; i++)
            {
                if (Line(points[i], points[i + 1]) is null)
                {
                    Flush();
                    continue;
                }

                if (run.Count == 0)
                {
                    run.Add(points[i]);
                }

                run.Add(points[i + 1]);
                if (run.Count == 4)
                {
                    // Segments of about 1.5 km, as a road register would keep them.
                    var last = run[^1];
                    Flush();
                    run.Add(last);
                }
            }

            if (run.Count == 1)
            {
                run.Clear();
            }

            Flush();
        }

        private void MainStreet(string name, P centre, P across, List<Segment> into)
        {
            var half = _rng.Range(300, 500);
            var a = centre - (across.Unit * half);
            var b = centre + (across.Unit * half);
            foreach (var (from, to, fromName, toName) in new[] { (a, centre, "西口", "中心"), (centre, b, "中心", "东口") })
            {
                var line = Line(from, to);
                if (line is null)
                {
                    continue;
                }

                var sidewalk = Round(_rng.Range(1.2, 3.0), 1);
                var tactile = _rng.Weighted(("partial", 0.3), ("none", 0.7));
                AddRoad(name, "secondary", line, sidewalk, _rng.Chance(0.4), _rng.Chance(0.4), tactile, "asphalt");
                into.Add(new Segment(name, "secondary", from, to, fromName, toName, tactile));
            }
        }

        private IEnumerable<P> InsideNodes()
        {
            for (var i = 0; i < _pos.Length; i++)
            {
                for (var j = 0; j < _pos.Length; j++)
                {
                    var p = new P(_pos[i], _pos[j]);
                    if (Inside(p))
                    {
                        yield return p;
                    }
                }
            }
        }

        // ---------------------------------------------------------------- facilities

        private void PublicBuildings()
        {
            (string Subtype, string Name, int MinFloors, int MaxFloors)[] town =
            [
                ("government", $"{_d}人民政府", 4, 8),
                ("government", $"{_d}政务服务中心", 2, 5),
                ("government", $"{_d}住房和城乡建设局", 3, 6),
                ("government", $"{_d}民政局", 3, 5),
                ("government", $"{_d}残疾人联合会", 2, 4),
                ("government", $"{_d}人力资源和社会保障局", 3, 6),
                ("hospital", $"{_d}人民医院", 5, 16),
                ("hospital", $"{_d}中医医院", 4, 10),
                ("hospital", $"{_d}妇幼保健院", 3, 8),
                ("school", $"{_d}第一中学", 4, 5),
                ("school", $"{_d}实验小学", 3, 4),
                ("school", $"{_d}特殊教育学校", 2, 3),
                ("station", $"{_d}汽车客运站", 1, 3),
                ("station", $"{_d}火车站", 1, 2),
                ("bank", $"中国工商银行{_dShort}支行", 2, 6),
                ("bank", $"中国农业银行{_dShort}支行", 2, 6),
                ("bank", $"中国建设银行{_dShort}支行", 2, 6),
                ("bank", $"{_dShort}农村商业银行营业部", 2, 5),
                ("post", $"{_d}邮政分公司营业厅", 1, 3),
                ("shop", $"{_dShort}百货大楼", 3, 6),
                ("shop", $"{_dShort}新世纪购物广场", 2, 5),
                ("shop", "华联超市", 1, 2),
                ("tourist_site", $"{_d}博物馆", 2, 3),
                ("tourist_site", $"{_d}图书馆", 2, 4),
                ("tourist_site", $"{_d}文化馆", 2, 3),
                ("restaurant", $"{_dShort}老字号面馆", 1, 2),
                ("restaurant", $"{_dShort}宾馆餐厅", 1, 3),
                ("community_centre", $"{_d}老年活动中心", 1, 3),
                ("community_centre", $"{_d}党群服务中心", 2, 4),
            ];

            var chosen = _full ? town : [town[0], town[6], town[12]];
            foreach (var (subtype, name, minFloors, maxFloors) in chosen)
            {
                var prominent = subtype is "government" or "hospital" or "bank" or "shop" or "station";
                var at = Frontage(_town, prominent ? ["main", "secondary"] : null, out var street);
                var fullName = name == "华联超市" ? $"华联超市{street}店" : name;
                AddBuilding(fullName, subtype, at, _rng.Int(minFloors, maxFloors), fullName);
            }

            if (!_full)
            {
                return;
            }

            foreach (var t in _townships)
            {
                if (t.StreetOffice)
                {
                    AddBuilding($"{t.Name}办事处", "government", Frontage(t.Streets, null, out _), _rng.Int(2, 4), t.Name);
                    var community = _rng.Pick(StreetNames)[..2];
                    AddBuilding($"{t.Name}{community}社区党群服务中心", "community_centre", Frontage(t.Streets, null, out _), _rng.Int(1, 3), t.Name);
                    continue;
                }

                var seat = $"{t.Name}人民政府";
                AddBuilding(seat, "government", TownshipSite(t), _rng.Int(2, 4), seat);
                AddBuilding($"{t.Name}卫生院", "hospital", TownshipSite(t), _rng.Int(2, 4), $"{t.Name}卫生院");
                AddBuilding($"{t.Name}中心小学", "school", TownshipSite(t), _rng.Int(2, 4), $"{t.Name}中心小学");
                if (_rng.Chance(0.5))
                {
                    AddBuilding($"中国邮政{t.Short}邮政所", "post", TownshipSite(t), 1, $"{_d}邮政分公司");
                }
            }
        }

        private void AddBuilding(string name, string subtype, P at, int floors, string managingUnit)
        {
            var ok = _rng.Chance(0.65);
            var hours = subtype switch
            {
                "government" => "周一至周五 08:30-12:00, 14:30-17:30",
                "hospital" => "门诊 08:00-17:30，急诊 24小时",
                "school" => "教学日 07:30-18:00",
                "station" => "06:00-20:00",
                "bank" => "09:00-17:00",
                "post" => "08:30-17:30",
                "shop" => "09:00-21:30",
                "tourist_site" => "周二至周日 09:00-17:00",
                "restaurant" => "10:00-21:00",
                _ => "08:00-20:00",
            };
            var attributes = new JsonObject
            {
                ["subtype"] = subtype,
                ["floors"] = floors,
                ["step_free_entrance"] = ok ? _rng.Chance(0.95) : _rng.Chance(0.4),
                ["accessible_toilet"] = ok ? _rng.Chance(0.8) : _rng.Chance(0.2),
                ["accessible_lift"] = floors >= 3 && (ok ? _rng.Chance(0.8) : _rng.Chance(0.2)),
                ["low_counter"] = ok ? _rng.Chance(0.7) : _rng.Chance(0.2),
                ["accessible_parking_spaces"] = _rng.Int(0, subtype is "hospital" or "station" or "shop" ? 6 : 2),
                ["wheelchair_loan"] = _rng.Chance(subtype is "hospital" or "station" ? 0.7 : 0.15),
                ["opening_hours"] = hours,
            };
            AddFacility("public_building", name, Pt(at), attributes, ok, managingUnit);
            _sites.Add(new Site(name, subtype, at, floors));
        }

        private void BuildingFacilities()
        {
            for (var i = 0; i < _sites.Count; i++)
            {
                var site = _sites[i];
                var first = i == 0;
                if (_full ? _rng.Chance(0.75) : first)
                {
                    AddFacility("accessible_entrance", $"{site.Name}无障碍出入口", Pt(Near(site.At, 4, 10)), Entrance(out var ok), ok, site.Name);
                }

                if (_full ? _rng.Chance(0.5) : first)
                {
                    AddFacility("ramp", $"{site.Name}轮椅坡道", Pt(Near(site.At, 4, 12)), Ramp(out var ok), ok, site.Name);
                }

                if (_full ? site.Floors >= 3 && _rng.Chance(0.6) : first)
                {
                    AddFacility("elevator", $"{site.Name}无障碍电梯", Pt(Near(site.At, 3, 15)), Elevator(Math.Max(2, site.Floors), out var ok), ok, site.Name);
                }

                var parks = site.Subtype is "government" or "hospital" or "station" or "shop" or "bank" or "tourist_site";
                if (_full ? parks && _rng.Chance(0.5) : first)
                {
                    AddFacility("accessible_parking", $"{site.Name}无障碍停车位", Pt(Near(site.At, 20, 45)), Parking(out var ok), ok, site.Name);
                }

                if (_full ? _rng.Chance(0.35) : i == 1)
                {
                    var type = site.Subtype is "hospital" or "station" or "shop" or "tourist_site" ? "third_toilet" : "cubicle";
                    var name = type == "third_toilet" ? $"{site.Name}第三卫生间" : $"{site.Name}无障碍卫生间";
                    AddFacility("accessible_toilet", name, Pt(Near(site.At, 3, 15)), Toilet(type, null, out var ok), ok, site.Name);
                }
            }
        }

        private void PublicToilets()
        {
            var count = _full ? 14 : 1;
            for (var i = 0; i < count; i++)
            {
                var at = Frontage(_town, null, out var street);
                AddFacility("accessible_toilet", $"{street}公共厕所", Pt(at), Toilet("standalone", "全天开放", out var ok), ok, $"{_d}城市管理局");
            }

            if (!_full)
            {
                return;
            }

            foreach (var t in _townships.Where(t => !t.StreetOffice && _rng.Chance(0.7)))
            {
                AddFacility("accessible_toilet", $"{t.Name}集镇公共厕所", Pt(TownshipSite(t)), Toilet("standalone", "06:00-22:00", out var ok), ok, $"{t.Name}人民政府");
            }
        }

        private void CurbRampsAndSignals()
        {
            var n = _pos.Length;
            var mid = n / 2;
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var node = new P(_pos[i], _pos[j]);
                    if (!Inside(node))
                    {
                        continue;
                    }

                    string ns = _ns[i].Name, ew = _ew[j].Name;
                    var major = _ns[i].RoadClass != "branch" || _ew[j].RoadClass != "branch";
                    int corners;
                    if (!_full)
                    {
                        corners = i == mid && j == mid ? 4 : 0;
                    }
                    else
                    {
                        corners = major
                            ? _rng.Weighted((4, 0.35), (2, 0.45), (0, 0.2))
                            : _rng.Weighted((2, 0.55), (0, 0.45));
                    }

                    var start = _rng.Int(0, 3);
                    for (var c = 0; c < corners; c++)
                    {
                        var corner = (start + (c * (corners == 2 ? 2 : 1))) % 4;
                        var at = node + (CornerOffsets[corner] * _rng.Range(8, 12));
                        if (Inside(at))
                        {
                            AddFacility("curb_ramp", $"{ns}与{ew}交叉口{Corners[corner]}角缘石坡道", Pt(at), CurbRamp(out var ok), ok, $"{_d}住房和城乡建设局");
                        }
                    }

                    // Audible signals where a main road crosses a main or secondary road (signalised crossings).
                    var signalised = (_ns[i].RoadClass == "main" && _ew[j].RoadClass != "branch")
                        || (_ew[j].RoadClass == "main" && _ns[i].RoadClass != "branch");
                    if (_full ? signalised && _rng.Chance(0.8) : i == mid && j == mid)
                    {
                        var count = _full ? _rng.Int(1, 2) : 1;
                        for (var s = 0; s < count; s++)
                        {
                            var corner = _rng.Int(0, 3);
                            var at = node + (CornerOffsets[corner] * 14);
                            if (Inside(at))
                            {
                                AddFacility("audible_signal", $"{ns}与{ew}交叉口{Corners[corner]}角过街音响提示装置", Pt(at), AudibleSignal(out var ok), ok, $"{_d}公安局交通警察大队");
                            }
                        }
                    }
                }
            }
        }

        private void BusStops()
        {
            var stops = 0;
            foreach (var segment in _town)
            {
                var p = segment.RoadClass switch { "main" => 0.6, "secondary" => 0.25, _ => 0.0 };
                if (_full ? _rng.Chance(p) : segment.RoadClass == "main" && stops < 2)
                {
                    var at = OnSegment(segment, 0.3, 0.7, 6, 9);
                    if (at is { } point)
                    {
                        stops++;
                        AddFacility("bus_stop", $"{segment.Name}{segment.FromCross}口公交站", Pt(point), BusStop(out var ok), ok, $"{_d}公共交通有限公司");
                    }
                }
            }

            if (!_full)
            {
                return;
            }

            foreach (var t in _townships.Where(t => !t.StreetOffice && t.Streets.Count > 0))
            {
                AddFacility("bus_stop", $"{t.Short}站", Pt(TownshipSite(t)), BusStop(out var ok), ok, $"{_d}公共交通有限公司");
            }
        }

        private void TactilePaving()
        {
            var made = 0;
            foreach (var segment in _town.Concat(_townships.Where(t => !t.StreetOffice).SelectMany(t => t.Streets)))
            {
                // Follow the road register: tactile paving where the segment says there is some.
                var wanted = _full
                    ? segment.Tactile != "none" && _rng.Chance(0.8)
                    : made == 0 && (segment.RoadClass == "main" || segment == _town[^1]);
                if (!wanted)
                {
                    continue;
                }

                var dir = (segment.B - segment.A).Unit;
                var offset = dir.Normal * ((_rng.Chance(0.5) ? 1 : -1) * _rng.Range(4, 7));
                var shorten = segment.Tactile == "partial" ? _rng.Range(0.2, 0.4) * (segment.B - segment.A).Length : 12;
                var line = Line(segment.A + offset + (dir * 12), segment.B + offset - (dir * shorten));
                if (line is null)
                {
                    continue;
                }

                made++;
                AddFacility("tactile_paving", $"{segment.Name}（{segment.FromCross}至{segment.ToCross}段）盲道", line,
                    Tactile(segment.Tactile == "continuous", out var ok), ok, $"{_d}住房和城乡建设局");
            }
        }

        private void CrossingStructures()
        {
            var mains = _town.Where(s => s.RoadClass == "main").ToList();
            var types = _full ? new[] { "overpass", "underpass" } : ["overpass"];
            foreach (var type in types)
            {
                if (mains.Count == 0)
                {
                    break;
                }

                var segment = _rng.Pick(mains);
                if (OnSegment(segment, 0.4, 0.6, 0, 0) is { } at)
                {
                    var name = type == "overpass" ? $"{segment.Name}{segment.FromCross}人行天桥" : $"{segment.Name}{segment.FromCross}人行地下通道";
                    AddFacility("crossing_structure", name, Pt(at), Crossing(type, out var ok), ok, $"{_d}市政设施管理中心");
                }
            }
        }

        private void DisabilityServices()
        {
            var federation = $"{_d}残疾人联合会";
            if (_full)
            {
                AddService("rehabilitation", $"{_d}残疾人康复中心", Frontage(_town, null, out _), federation, federation);
                AddService("residential_care", $"{_d}残疾人托养中心", Frontage(_town, null, out _), federation, $"{_dShort}康宁托养服务有限公司");
                AddService("sunshine_home", $"{_d}阳光家园", Frontage(_town, null, out _), federation, federation);
                AddService("other", $"{_d}残疾人综合服务中心", Frontage(_town, null, out _), federation, federation);
                foreach (var t in _townships)
                {
                    // Not every township has one yet: that gap is what the "乡乡有机构" indicator shows.
                    if (_rng.Chance(0.85))
                    {
                        AddService("home_of_disabled", $"{t.Name}残疾人之家", TownshipSite(t), $"{t.Name}{(t.StreetOffice ? "办事处" : "人民政府")}", $"{t.Name}残疾人联合会");
                    }

                    if (_rng.Chance(0.25))
                    {
                        AddService("sunshine_home", $"{t.Name}阳光家园", TownshipSite(t), federation, $"{t.Name}残疾人联合会");
                    }
                }

                return;
            }

            if (_townships.Count > 0)
            {
                var t = _townships[0];
                AddService("home_of_disabled", $"{t.Name}残疾人之家", TownshipSite(t), federation, federation);
            }
            else
            {
                AddService("rehabilitation", $"{_d}残疾人康复中心", Frontage(_town, null, out _), federation, federation);
            }
        }

        private void AddService(string subtype, string name, P at, string managingUnit, string operatorName)
        {
            var ok = _rng.Chance(0.7);
            var (capacity, staff, area) = subtype switch
            {
                "rehabilitation" => (_rng.Int(60, 200), _rng.Int(15, 40), _rng.Range(1500, 4000)),
                "residential_care" => (_rng.Int(30, 120), _rng.Int(10, 30), _rng.Range(1000, 3000)),
                "home_of_disabled" => (_rng.Int(20, 60), _rng.Int(2, 6), _rng.Range(150, 500)),
                "sunshine_home" => (_rng.Int(15, 40), _rng.Int(2, 8), _rng.Range(200, 800)),
                _ => (_rng.Int(50, 100), _rng.Int(8, 20), _rng.Range(800, 2000)),
            };
            var attributes = new JsonObject
            {
                ["subtype"] = subtype,
                ["capacity"] = capacity,
                ["staff"] = staff,
                ["floor_area_m2"] = Round(area, 0),
                ["operator"] = operatorName,
                ["step_free_entrance"] = ok || _rng.Chance(0.4),
                ["accessible_toilet"] = ok ? _rng.Chance(0.9) : _rng.Chance(0.3),
                ["opening_hours"] = subtype == "residential_care" ? "全天" : "周一至周五 08:30-17:30",
            };
            AddFacility("disability_service", name, Pt(at), attributes, ok, managingUnit);
        }

        private void EmergencyShelters()
        {
            (string Type, string Name)[] town =
            [
                ("park", $"{_d}人民公园应急避难场所"),
                ("square", $"{_d}文化广场应急避难场所"),
                ("school", $"{_d}第一中学操场应急避难场所"),
                ("stadium", $"{_d}体育中心应急避难场所"),
            ];
            foreach (var (type, name) in _full ? town : town[..1])
            {
                AddShelter(type, name, Frontage(_town, null, out _), $"{_d}应急管理局");
            }

            if (!_full)
            {
                return;
            }

            foreach (var t in _townships.Where(t => !t.StreetOffice && _rng.Chance(0.3)))
            {
                AddShelter("square", $"{t.Name}中心广场应急避难场所", TownshipSite(t), $"{t.Name}人民政府");
            }
        }

        private void AddShelter(string type, string name, P at, string managingUnit)
        {
            var ok = _rng.Chance(0.6);
            var area = type == "school" ? _rng.Range(5000, 15000) : _rng.Range(8000, 60000);
            var attributes = new JsonObject
            {
                ["shelter_type"] = type,
                ["area_m2"] = Round(area, 0),
                ["capacity"] = (int)Math.Round(area / 2), // about 2 m² per person
                ["step_free_access"] = ok || _rng.Chance(0.3),
                ["accessible_toilet"] = ok ? _rng.Chance(0.8) : _rng.Chance(0.2),
                ["tactile_guidance"] = ok ? _rng.Chance(0.6) : false,
                ["accessible_signage"] = ok ? _rng.Chance(0.8) : _rng.Chance(0.2),
            };
            AddFacility("emergency_shelter", name, Pt(at), attributes, ok, managingUnit);
        }

        /// <summary>Kinds added to the catalog after this generator was written: a few each, attributes from the schema.</summary>
        private void OtherKinds()
        {
            foreach (var kind in _catalog.Kinds.Where(k => !_kindsMade.Contains(k.Code)))
            {
                for (var i = 0; i < (_full ? 3 : 1); i++)
                {
                    var at = Frontage(_town, null, out var street);
                    Geometry geometry = kind.Geometry == "LineString"
                        ? Line(at, at + new P(30, 0)) ?? Line(at, at - new P(30, 0)) ?? Line(at, at + new P(0, 30)) ?? (Geometry)Pt(at)
                        : Pt(at);
                    if (geometry is Point && kind.Geometry == "LineString")
                    {
                        continue; // no room for a line here
                    }

                    AddFacility(kind.Code, $"{street}{kind.Names.Zh}", geometry, FromSchema(kind), true, $"{_d}住房和城乡建设局");
                }
            }
        }

        private JsonObject FromSchema(FacilityKind kind)
        {
            var attributes = new JsonObject();
            foreach (var a in kind.Attributes.Where(a => a.Required || _rng.Chance(0.6)))
            {
                double lo = a.Min ?? 0, hi = a.Max ?? Math.Max(lo + 10, lo * 2);
                attributes[a.Name] = a.Type switch
                {
                    AttributeValueType.Boolean => _rng.Chance(0.7),
                    AttributeValueType.Enum => _rng.Pick(a.Values).Code,
                    AttributeValueType.Integer => (JsonNode)(long)Math.Ceiling(lo + ((hi - lo) * _rng.Range(0.2, 0.5))),
                    AttributeValueType.Number => Round(lo + ((hi - lo) * _rng.Range(0.2, 0.5)), 2),
                    _ => "示例",
                };
            }

            return attributes;
        }

        private void AddFacility(string kind, string name, Geometry geometry, JsonObject attributes, bool compliant, string managingUnit)
        {
            if (!_catalog.TryGet(kind, out _))
            {
                return; // the catalog in use does not have this kind
            }

            // Non-compliant facilities are more often reported defective; most are in use either way.
            var status = compliant
                ? _rng.Weighted(("operational", 0.88), ("defective_usable", 0.05), ("unusable", 0.02), ("under_construction", 0.03), ("removed", 0.02))
                : _rng.Weighted(("operational", 0.55), ("defective_usable", 0.28), ("unusable", 0.12), ("under_construction", 0.02), ("removed", 0.03));
            _kindsMade.Add(kind);
            Facilities.Add(new DemoFacility(kind, name, geometry, attributes, status, managingUnit, _district.Code,
                $"demo-{_district.Code}-{Facilities.Count + 1}"));
        }

        // ---------------------------------------------------------------- attributes
        // Each makes a compliant set (per standards.md) about two times in three, otherwise
        // one with typical faults; values always lie inside the catalog's physical ranges.

        private JsonObject Toilet(string type, string? hours, out bool ok)
        {
            ok = _rng.Chance(0.65);
            var grabBars = ok || _rng.Chance(0.4);
            var attributes = new JsonObject
            {
                ["toilet_type"] = type,
                ["door_width_mm"] = Round10(ok ? _rng.Range(900, 1200) : _rng.Range(700, 890)),
                ["door_type"] = _rng.Weighted(("sliding", 0.4), ("manual_swing", 0.4), ("automatic", 0.2)),
                ["door_opens_inward"] = !ok && _rng.Chance(0.5),
                ["room_width_m"] = Round(ok ? _rng.Range(1.8, 2.6) : _rng.Range(1.4, 1.95), 2),
                ["room_depth_m"] = Round(ok ? _rng.Range(1.5, 2.4) : _rng.Range(1.2, 1.6), 2),
                ["threshold_height_mm"] = ok ? _rng.Pick([0, 0, 5, 10, 15]) : _rng.Pick([20, 30, 50]),
                ["grab_bars"] = grabBars,
                ["emergency_call"] = ok ? _rng.Chance(0.8) : _rng.Chance(0.3),
                ["baby_changing"] = type == "third_toilet" || _rng.Chance(0.2),
                ["unisex"] = type != "cubicle",
                ["opening_hours"] = hours ?? _rng.Pick(["全天开放", "06:00-22:00", "08:00-18:00", "与建筑开放时间相同"]),
            };
            if (grabBars)
            {
                attributes["grab_bar_height_mm"] = Round10(ok ? _rng.Range(680, 720) : _rng.Range(550, 900));
            }

            return attributes;
        }

        private JsonObject CurbRamp(out bool ok)
        {
            ok = _rng.Chance(0.65);
            var type = _rng.Weighted(("full_width", 0.35), ("three_sided", 0.45), ("other", 0.2));
            double slope = type == "full_width"
                ? ok ? _rng.Pick([0.03, 0.04, 0.05]) : _rng.Pick([0.06, 0.07, 0.083, 0.1])
                : ok ? _rng.Pick([0.05, 0.06, 0.07, 0.08]) : _rng.Pick([0.1, 0.125, 0.15]);
            var width = type switch
            {
                "full_width" => _rng.Range(2.0, 4.5),
                "three_sided" => ok ? _rng.Range(1.2, 2.0) : _rng.Range(0.9, 1.15),
                _ => ok ? _rng.Range(1.5, 2.2) : _rng.Range(1.0, 1.45),
            };
            return new JsonObject
            {
                ["curb_ramp_type"] = type,
                ["slope"] = slope,
                ["width_m"] = Round(width, 2),
                ["lip_height_mm"] = ok ? _rng.Pick([0, 0, 5, 10]) : _rng.Pick([15, 20, 30, 40, 60]),
                ["tactile_warning"] = ok ? _rng.Chance(0.85) : _rng.Chance(0.4),
                ["obstructed"] = ok ? _rng.Chance(0.05) : _rng.Chance(0.3),
            };
        }

        private JsonObject Ramp(out bool ok)
        {
            ok = _rng.Chance(0.65);

            // Non-compliant ramps are typically the steep 1:10 or 1:8 "ramp" laid beside entrance steps.
            double slope = ok ? _rng.Pick([1 / 12.0, 1 / 16.0, 1 / 20.0]) : _rng.Pick([0.1, 0.125, 0.15]);
            var rise = ok ? _rng.Range(0.15, 0.75) : _rng.Range(0.3, 0.9);
            var handrails = ok ? "both_sides" : _rng.Weighted(("none", 0.5), ("one_side", 0.5));
            var attributes = new JsonObject
            {
                ["slope"] = Round(slope, 3),
                ["rise_m"] = Round(rise, 2),
                ["run_length_m"] = Round(rise / slope, 2),
                ["width_m"] = Round(ok ? _rng.Range(1.0, 1.8) : _rng.Range(0.8, 1.2), 2),
                ["cross_slope"] = Round(_rng.Range(0, 0.03), 3),
                ["landing_length_m"] = Round(ok ? _rng.Range(1.5, 2.0) : _rng.Range(0.9, 1.4), 2),
                ["handrails"] = handrails,
                ["non_slip_surface"] = ok || _rng.Chance(0.5),
            };
            if (handrails != "none")
            {
                attributes["handrail_height_mm"] = Round10(ok ? _rng.Range(850, 900) : _rng.Range(750, 1000));
            }

            return attributes;
        }

        private JsonObject Entrance(out bool ok)
        {
            ok = _rng.Chance(0.65);
            var doorType = ok
                ? _rng.Weighted(("automatic", 0.35), ("manual_swing", 0.45), ("sliding", 0.2))
                : _rng.Weighted(("manual_swing", 0.7), ("revolving", 0.15), ("sliding", 0.15));
            var entranceType = ok
                ? _rng.Weighted(("level", 0.6), ("ramp", 0.35), ("lift", 0.05))
                : _rng.Weighted(("level", 0.4), ("ramp", 0.45), ("steps_only", 0.15));
            var width = doorType == "automatic" ? _rng.Range(1000, 1800) : ok ? _rng.Range(900, 1500) : _rng.Range(750, 880);
            var attributes = new JsonObject
            {
                ["entrance_type"] = entranceType,
                ["door_type"] = doorType,
                ["door_width_mm"] = Round10(width),
                ["threshold_height_mm"] = ok ? _rng.Pick([0, 0, 5, 10, 15]) : _rng.Pick([20, 30, 40, 60]),
                ["door_opening_force_n"] = Round(ok ? _rng.Range(10, 25) : _rng.Range(26, 60), 0),
                ["door_handle_height_m"] = Round(ok ? _rng.Range(0.85, 1.0) : _rng.Range(1.02, 1.2), 2),
                ["landing_depth_m"] = Round(ok ? _rng.Range(1.5, 3.0) : _rng.Range(0.8, 1.45), 2),
                ["signage"] = ok ? _rng.Chance(0.85) : _rng.Chance(0.3),
            };
            if (entranceType == "level")
            {
                attributes["entrance_slope"] = Round(ok ? _rng.Range(0.01, 0.05) : _rng.Range(0.06, 0.1), 3);
            }

            if (_rng.Chance(0.3))
            {
                attributes["doors_in_series_clear_m"] = Round(ok ? _rng.Range(1.5, 3.0) : _rng.Range(1.0, 1.45), 2);
            }

            return attributes;
        }

        private JsonObject Elevator(int floors, out bool ok)
        {
            ok = _rng.Chance(0.7);
            var type = floors > 2 ? _rng.Weighted(("elevator", 0.9), ("vertical_platform_lift", 0.1)) : _rng.Weighted(("vertical_platform_lift", 0.6), ("inclined_platform_lift", 0.4));
            return new JsonObject
            {
                ["lift_type"] = type,
                ["door_width_mm"] = Round10(ok ? _rng.Range(800, 1100) : _rng.Range(650, 790)),
                ["car_width_m"] = Round(ok ? _rng.Range(1.1, 1.6) : _rng.Range(0.9, 1.09), 2),
                ["car_depth_m"] = Round(ok ? _rng.Range(1.4, 2.1) : _rng.Range(1.0, 1.39), 2),
                ["floors_served"] = type == "elevator" ? floors : 2,
                ["low_buttons"] = ok ? _rng.Chance(0.9) : _rng.Chance(0.3),
                ["braille_buttons"] = ok ? _rng.Chance(0.9) : _rng.Chance(0.3),
                ["audible_announcement"] = ok ? _rng.Chance(0.85) : _rng.Chance(0.3),
                ["handrail"] = ok || _rng.Chance(0.5),
                ["certificate_valid"] = ok || _rng.Chance(0.6),
            };
        }

        private JsonObject Tactile(bool continuous, out bool ok)
        {
            ok = _rng.Chance(0.6);
            return new JsonObject
            {
                ["paving_type"] = _rng.Weighted(("guiding", 0.7), ("mixed", 0.25), ("warning", 0.05)),
                ["width_m"] = _rng.Pick([0.3, 0.4, 0.5, 0.6]),
                ["contrasting_colour"] = ok ? _rng.Chance(0.9) : _rng.Chance(0.5),
                ["continuous"] = continuous && ok,
                ["obstruction_count"] = ok ? _rng.Pick([0, 0, 0, 1]) : _rng.Int(2, 15),
                ["damaged_percent"] = Round(ok ? _rng.Range(0, 5) : _rng.Range(10, 60), 0),
            };
        }

        private JsonObject Parking(out bool ok)
        {
            ok = _rng.Chance(0.6);
            return new JsonObject
            {
                ["spaces"] = _rng.Pick([1, 1, 2, 2, 3, 4]),
                ["stall_width_m"] = _rng.Pick([2.5, 2.8, 3.0, 3.5, 4.0]),
                ["stall_length_m"] = _rng.Pick([5.0, 5.3, 6.0]),
                ["access_aisle_width_m"] = ok ? Round(_rng.Range(1.2, 1.5), 2) : _rng.Pick([0.0, 0.8, 1.0]),
                ["surface_slope"] = Round(ok ? _rng.Range(0, 0.02) : _rng.Range(0.025, 0.05), 3),
                ["distance_to_entrance_m"] = Round(ok ? _rng.Range(5, 50) : _rng.Range(60, 200), 0),
                ["signage"] = ok ? _rng.Chance(0.9) : _rng.Chance(0.4),
                ["occupied_by_others"] = ok ? _rng.Chance(0.1) : _rng.Chance(0.5),
            };
        }

        private JsonObject AudibleSignal(out bool ok)
        {
            ok = _rng.Chance(0.7);
            var pushButton = _rng.Chance(0.7);
            var attributes = new JsonObject
            {
                ["signal_type"] = _rng.Weighted(("sound", 0.5), ("sound_and_vibration", 0.3), ("speech", 0.2)),
                ["locator_tone"] = ok || _rng.Chance(0.3),
                ["push_button"] = pushButton,
                ["volume_adapts"] = _rng.Chance(0.5),
                ["working"] = ok,
                ["operating_hours"] = _rng.Pick(["06:00-22:00", "07:00-21:00", "全天"]),
            };
            if (pushButton)
            {
                attributes["push_button_height_m"] = Round(ok ? _rng.Range(0.9, 1.2) : _rng.Range(1.3, 1.5), 2);
            }

            return attributes;
        }

        private JsonObject Crossing(string type, out bool ok)
        {
            ok = _rng.Chance(0.6);
            var access = ok ? _rng.Weighted(("ramp", 0.4), ("lift", 0.3), ("ramp_and_lift", 0.3)) : _rng.Weighted(("stairs_only", 0.6), ("ramp", 0.4));
            var attributes = new JsonObject
            {
                ["structure_type"] = type,
                ["access_type"] = access,
                ["clear_width_m"] = Round(_rng.Range(3, 6), 1),
                ["handrails"] = ok || _rng.Chance(0.5),
                ["tactile_warning"] = ok ? _rng.Chance(0.85) : _rng.Chance(0.3),
            };
            if (access is "ramp" or "ramp_and_lift")
            {
                attributes["ramp_slope"] = ok ? _rng.Pick([0.083, 0.0625]) : _rng.Pick([0.1, 0.125]);
            }

            return attributes;
        }

        private JsonObject BusStop(out bool ok)
        {
            ok = _rng.Chance(0.6);
            var routes = Enumerable.Range(0, _rng.Int(1, 4)).Select(_ => _rng.Int(1, 25)).Distinct().Order()
                .Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture) + "路");
            return new JsonObject
            {
                ["platform_height_mm"] = _rng.Pick([150, 200, 250, 300]),
                ["platform_width_m"] = Round(ok ? _rng.Range(1.5, 3.0) : _rng.Range(0.8, 1.45), 2),
                ["curb_ramp"] = ok || _rng.Chance(0.3),
                ["tactile_paving"] = ok ? _rng.Chance(0.8) : _rng.Chance(0.2),
                ["shelter"] = _rng.Chance(0.7),
                ["seating"] = _rng.Chance(0.6),
                ["audio_announcement"] = _rng.Chance(0.2),
                ["braille_timetable"] = _rng.Chance(0.1),
                ["routes"] = string.Join("、", routes),
            };
        }

        // ---------------------------------------------------------------- geometry helpers

        /// <summary>A point set back from a street (building frontage), inside the boundary.</summary>
        private P Frontage(IReadOnlyList<Segment> pool, string[]? classes, out string street)
        {
            var candidates = classes is null ? pool : pool.Where(s => classes.Contains(s.RoadClass, StringComparer.Ordinal)).ToList();
            if (candidates.Count == 0)
            {
                candidates = pool;
            }

            for (var attempt = 0; attempt < 30 && candidates.Count > 0; attempt++)
            {
                var segment = _rng.Pick(candidates);
                if (OnSegment(segment, 0.15, 0.85, 15, 35) is { } at)
                {
                    street = segment.Name;
                    return at;
                }
            }

            // Tiny or oddly shaped district without usable streets: near the centre.
            street = _dShort;
            return Near(new P(0, 0), 10, 60);
        }

        private P TownshipSite(Township t) =>
            t.Streets.Count > 0 ? Frontage(t.Streets, null, out _) : Near(t.Centre, 20, 150);

        /// <summary>A point along the segment, <paramref name="minOffset"/>–<paramref name="maxOffset"/> m to either side; null if outside.</summary>
        private P? OnSegment(Segment segment, double tMin, double tMax, double minOffset, double maxOffset)
        {
            var dir = (segment.B - segment.A).Unit;
            var side = _rng.Chance(0.5) ? 1 : -1;
            var at = segment.A + ((segment.B - segment.A) * _rng.Range(tMin, tMax)) + (dir.Normal * (side * _rng.Range(minOffset, maxOffset)));
            return Inside(at) ? at : null;
        }

        private P Near(P at, double minDistance, double maxDistance)
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var angle = _rng.Range(0, 2 * Math.PI);
                var candidate = at + (new P(Math.Cos(angle), Math.Sin(angle)) * _rng.Range(minDistance, maxDistance));
                if (Inside(candidate))
                {
                    return candidate;
                }
            }

            // Centre, grid nodes and seats are inside by construction, so this stays inside.
            return at;
        }

        private Coordinate ToCoordinate(P p)
        {
            var x = (p.U * _cos) - (p.V * _sin);
            var y = (p.U * _sin) + (p.V * _cos);

            // 7 decimals ≈ 1 cm: stable text output, and no false precision.
            return new Coordinate(Math.Round(_lon0 + (x / _metresPerDegreeLon), 7), Math.Round(_lat0 + (y / MetresPerDegreeLat), 7));
        }

        private bool Inside(P p) => _inside.Contains(_factory.CreatePoint(ToCoordinate(p)));

        private Point Pt(P p) => _factory.CreatePoint(ToCoordinate(p));

        /// <summary>A line through the points, or null unless it lies wholly inside the boundary.</summary>
        private LineString? Line(params P[] points)
        {
            var line = _factory.CreateLineString(points.Select(ToCoordinate).ToArray());
            return line.Length > 0 && _inside.Contains(line) ? line : null;
        }

        private static bool IsStreetOffice(string name) => name.EndsWith("街道", StringComparison.Ordinal);

        /// <summary>永济市 → 永济, 虞乡镇 → 虞乡, 城西街道 → 城西 (kept whole when that would leave one character).</summary>
        private static string ShortName(string name)
        {
            foreach (var suffix in new[] { "街道", "自治县", "市", "县", "区", "镇", "乡" })
            {
                if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length - suffix.Length >= 2)
                {
                    return name[..^suffix.Length];
                }
            }

            return name;
        }

        private static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.ToEven);

        private static int Round10(double value) => (int)(Math.Round(value / 10, MidpointRounding.ToEven) * 10);
    }
}
