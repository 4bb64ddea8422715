namespace Accessibility.Api.Features.Evidence;

/// <summary>How a column's values are written: to the GeoPackage (its SQLite type) and to CSV (invariant text).</summary>
public enum EvidenceType
{
    /// <summary>Text (<c>TEXT</c>).</summary>
    Text,

    /// <summary>A whole number (<c>INTEGER</c>).</summary>
    Integer,

    /// <summary>A measured number (<c>REAL</c>); read as a <c>double</c>.</summary>
    Real,

    /// <summary>An exact decimal (plan target values); <c>REAL</c> in the GeoPackage, the exact digits in CSV.</summary>
    Decimal,

    /// <summary>true/false (<c>BOOLEAN</c>, 1/0 in SQLite).</summary>
    Boolean,

    /// <summary>An instant, written in UTC as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> (GeoPackage <c>DATETIME</c>).</summary>
    DateTime,
}

/// <summary>One column of a layer, with what it means (written to <c>definitions.csv</c>).</summary>
/// <param name="Name">Column name, the same in the GeoPackage and the CSV.</param>
/// <param name="Type">How its values are written.</param>
/// <param name="Zh">Label in Chinese.</param>
/// <param name="En">Label in English.</param>
/// <param name="Unit">Unit of measure, empty when none.</param>
/// <param name="DefinitionZh">What it is, in Chinese.</param>
/// <param name="DefinitionEn">What it is, in English.</param>
public sealed record EvidenceColumn(string Name, EvidenceType Type, string Zh, string En, string Unit, string DefinitionZh, string DefinitionEn);

/// <summary>
/// One table of the evidence package: a GeoPackage layer and a CSV when it has <see cref="GeometryType"/>, a CSV only
/// otherwise. Its statement (<see cref="EvidenceSql"/>) returns the feature id, the <see cref="Columns"/> in order, then
/// (for a geometry table) the geometry and its WKT.
/// </summary>
/// <param name="Name">Table and file name.</param>
/// <param name="Zh">Title in Chinese.</param>
/// <param name="En">Title in English.</param>
/// <param name="GeometryType">GeoPackage geometry type name (<c>GEOMETRY</c>, <c>POINT</c>, …), null for a table without geometry.</param>
/// <param name="Columns">Columns after the id.</param>
/// <param name="Sql">The statement, with <c>{table}</c> placeholders resolved as of the package's date.</param>
public sealed record EvidenceLayer(string Name, string Zh, string En, string? GeometryType, IReadOnlyList<EvidenceColumn> Columns, string Sql);

/// <summary>The tables of the evidence package and the meaning of every column (docs/evidence-package.md).</summary>
public static class EvidenceLayers
{
    /// <summary>The feature id column of every layer.</summary>
    public const string IdColumn = "fid";

    /// <summary>The geometry column of every GeoPackage layer.</summary>
    public const string GeometryColumn = "geom";

    /// <summary>The WKT column of every CSV of a geometry layer.</summary>
    public const string WktColumn = "wkt";

    private static EvidenceColumn C(string name, EvidenceType type, string zh, string en, string defZh, string defEn, string unit = "") =>
        new(name, type, zh, en, unit, defZh, defEn);

    private static readonly EvidenceColumn DistrictCode = C("district_code", EvidenceType.Text, "县级区划代码", "County code",
        "记录所在县级行政区划的 GB/T 2260 代码。", "GB/T 2260 code of the county-level division the record lies in.");

    private static readonly EvidenceColumn TownshipCode = C("township_code", EvidenceType.Text, "乡镇（街道）代码", "Township code",
        "记录所在乡镇（街道）的代码（9 位），未知时为空。", "Code (9 digits) of the township or street office the record lies in; empty when unknown.");

    private static readonly EvidenceColumn ManagingUnit = C("managing_unit", EvidenceType.Text, "管理责任单位", "Managing unit",
        "负责维护的单位（机构名称，不是个人）。", "The body responsible for upkeep (an organisation, never a person).");

    private static readonly EvidenceColumn Source = C("source", EvidenceType.Text, "数据来源", "Source",
        "记录如何进入登记：manual（人工登记）、import（导入）、osm、demo（演示用合成数据，不是真实设施）等。",
        "How the record entered the registry: manual, import, osm, demo (synthetic demonstration data, not a real facility), ….");

    private static readonly EvidenceColumn ExternalId = C("external_id", EvidenceType.Text, "外部编号", "External id",
        "导入来源中的编号，没有时为空。", "The record's id in the source it was imported from; empty when none.");

    private static readonly EvidenceColumn Attributes = C("attributes", EvidenceType.Text, "属性（JSON）", "Attributes (JSON)",
        "该类型的测量值和属性，JSON 对象（键按 PostgreSQL jsonb 的顺序）。", "Measurements and attributes of the kind, as a JSON object (keys in PostgreSQL jsonb order).");

    private static readonly EvidenceColumn CreatedAt = C("created_at", EvidenceType.DateTime, "登记时间", "Registered at",
        "记录登记进入平台的时间（UTC）。", "When the record was entered in the registry (UTC).");

    private static readonly EvidenceColumn UpdatedAt = C("updated_at", EvidenceType.DateTime, "最后修改时间", "Last changed at",
        "截至基准日，该版本记录最后一次修改的时间（UTC）。", "When the version of the record valid at the reference date was last changed (UTC).");

    /// <summary>Facilities in the district at the package's date (deleted ones left out), with their inspection and defect summary.</summary>
    public static readonly EvidenceLayer Facilities = new("facilities", "无障碍设施", "Accessible facilities", "GEOMETRY",
    [
        C("kind", EvidenceType.Text, "设施类型", "Kind", "设施类型代码（data/facility-kinds.json），如 accessible_toilet、curb_ramp。",
            "Facility kind code (data/facility-kinds.json), e.g. accessible_toilet, curb_ramp."),
        C("name", EvidenceType.Text, "名称", "Name", "设施名称。", "Name of the facility."),
        C("status", EvidenceType.Text, "状态", "Status", "基准日的状态：operational（正常使用）、defective_usable（有缺陷仍可用）、unusable（不可用）、under_construction（在建）、removed（已拆除）。",
            "Status at the reference date: operational, defective_usable, unusable, under_construction, removed."),
        ManagingUnit, DistrictCode, TownshipCode, Source, ExternalId, Attributes, CreatedAt, UpdatedAt,
        C("last_inspected_at", EvidenceType.DateTime, "最近检查时间", "Last inspected at",
            "基准日及以前最近一次督导检查的时间（UTC），从未检查时为空。", "Time (UTC) of the last supervision inspection on or before the reference date; empty when never inspected."),
        C("last_inspection_result", EvidenceType.Text, "最近检查结论", "Last inspection result",
            "该次检查的总体结论（pass 合格、fail 不合格、not_judged 未判定）；不含检查人员和检查记录细节。",
            "That inspection's overall result (pass, fail, not_judged); no inspector and no checklist details."),
        C("open_defects", EvidenceType.Integer, "未关闭缺陷数", "Open defects",
            "基准日该设施未关闭的缺陷数（待处理、已指派、已整改待复核）。", "Defects of the facility not closed at the reference date (open, assigned, fixed awaiting verification).", "个 count"),
        C("closed_defects", EvidenceType.Integer, "已关闭缺陷数", "Closed defects",
            "基准日该设施已关闭的缺陷数（已复核整改或不予处理）。", "Defects of the facility closed by the reference date (verified repaired, or rejected).", "个 count"),
    ], EvidenceSql.Facilities);

    /// <summary>Road segments in the district at the package's date.</summary>
    public static readonly EvidenceLayer RoadSegments = new("road_segments", "道路", "Road segments", "LINESTRING",
    [
        C("name", EvidenceType.Text, "道路名称", "Name", "道路名称，未知时为空。", "Street name; empty when unknown."),
        C("road_class", EvidenceType.Text, "道路等级", "Road class", "主干路 main、次干路 secondary、支路 branch 等。", "Road class: main, secondary, branch, …."),
        C("sidewalk_width_m", EvidenceType.Real, "人行道宽度", "Sidewalk width", "人行道净宽，未测量时为空。", "Clear sidewalk width; empty when not measured.", "m"),
        C("curb_ramp_start", EvidenceType.Boolean, "起点缘石坡道", "Curb ramp at start", "路段起点有缘石坡道。", "A curb ramp at the segment's start."),
        C("curb_ramp_end", EvidenceType.Boolean, "终点缘石坡道", "Curb ramp at end", "路段终点有缘石坡道。", "A curb ramp at the segment's end."),
        C("tactile_paving", EvidenceType.Text, "盲道", "Tactile paving", "盲道：none（无）、partial（部分）、continuous（连续）。", "Tactile paving: none, partial, continuous."),
        C("surface", EvidenceType.Text, "路面", "Surface", "路面材料，未知时为空。", "Surface material; empty when unknown."),
        Attributes,
        C("status", EvidenceType.Text, "状态", "Status", "基准日的状态。", "Status at the reference date."),
        ManagingUnit, DistrictCode, TownshipCode, Source, ExternalId,
        C("length_m", EvidenceType.Real, "长度", "Length", "路段在椭球面上的长度，保留两位小数。", "Length of the segment on the ellipsoid, to 2 decimals.", "m"),
        CreatedAt, UpdatedAt,
    ], EvidenceSql.RoadSegments);

    /// <summary>The district and its subdivisions that have a boundary: today's boundaries (districts keep no history).</summary>
    public static readonly EvidenceLayer Districts = new("districts", "行政区划", "Districts", "MULTIPOLYGON",
    [
        C("code", EvidenceType.Text, "区划代码", "Code", "GB/T 2260 行政区划代码（乡镇为 9 位）。", "GB/T 2260 division code (9 digits for a township)."),
        C("name", EvidenceType.Text, "名称", "Name", "区划名称。", "Name of the division."),
        C("level", EvidenceType.Text, "级别", "Level", "province 省、prefecture 地级、county 县级、township 乡镇（街道）。", "province, prefecture, county, township."),
        C("parent_code", EvidenceType.Text, "上级代码", "Parent code", "上级区划的代码。", "Code of the parent division."),
        C("population", EvidenceType.Integer, "常住人口", "Population", "常住人口（已知时）。", "Resident population, where known.", "人 persons"),
        C("disabled_population", EvidenceType.Integer, "持证残疾人数", "Registered disabled population", "持证残疾人数（已知时）。", "Registered persons with disabilities, where known.", "人 persons"),
        C("boundary_approximate", EvidenceType.Boolean, "边界为近似", "Boundary approximate",
            "区划调整后旧边界无法准确划分时为 true（data/district-changes.csv）。", "True where a change of the divisions could not be drawn from the old boundaries (data/district-changes.csv)."),
        C("boundary_source", EvidenceType.Text, "边界来源", "Boundary source", "边界数据的来源（见 README 的许可说明）。", "Where the boundary comes from (see the licence note in README)."),
        C("area_km2", EvidenceType.Real, "面积", "Area", "边界在椭球面上的面积，保留三位小数。", "Area of the boundary on the ellipsoid, to 3 decimals.", "km²"),
    ], EvidenceSql.Districts);

    /// <summary>Defects of the district's facilities at the package's date, open and closed, without notes, history or people.</summary>
    public static readonly EvidenceLayer Defects = new("defects", "缺陷", "Defects", "POINT",
    [
        C("facility_id", EvidenceType.Integer, "设施编号", "Facility id", "缺陷所在设施的编号（facilities 图层的 fid）。", "Id of the facility the defect is at (fid of layer facilities)."),
        DistrictCode,
        C("item", EvidenceType.Text, "检查项", "Checklist item", "发现缺陷的检查项代码（data/checklists.json）。", "Code of the checklist item the defect was found on (data/checklists.json)."),
        C("severity", EvidenceType.Text, "严重程度", "Severity", "critical、major、minor。", "critical, major, minor."),
        C("status", EvidenceType.Text, "状态", "Status", "基准日的状态：open 待处理、assigned 已指派、fixed 已整改待复核、verified 已复核、rejected 不予处理。",
            "Status at the reference date: open, assigned, fixed (awaiting verification), verified, rejected."),
        C("unclosed", EvidenceType.Boolean, "未关闭", "Unclosed", "状态为 open、assigned 或 fixed。", "Status is open, assigned or fixed."),
        C("overdue", EvidenceType.Boolean, "逾期", "Overdue", "基准日仍为 open 或 assigned 且已过整改期限。", "Still open or assigned at the reference date and past its due date."),
        C("due_at", EvidenceType.DateTime, "整改期限", "Due at", "整改期限（UTC）。", "Due date of the repair (UTC)."),
        ManagingUnit,
        C("created_at", EvidenceType.DateTime, "发现时间", "Found at", "缺陷记录的时间（UTC）。", "When the defect was recorded (UTC)."),
        UpdatedAt,
        C("closed_at", EvidenceType.DateTime, "关闭时间", "Closed at", "关闭的时间（UTC），未关闭时为空。", "When it was closed (UTC); empty while unclosed."),
    ], EvidenceSql.Defects);

    /// <summary>Public reports of the district at the package's date, as Open311 and OGC API show them: never contact data, device or account.</summary>
    public static readonly EvidenceLayer Reports = new("reports", "群众报告", "Public reports", "POINT",
    [
        C("service_code", EvidenceType.Text, "问题类别", "Service code", "Open311 问题类别代码。", "Open311 service (category) code."),
        C("open311_status", EvidenceType.Text, "Open311 状态", "Open311 status", "open（未办结）或 closed（已办结或不予受理）。", "open, or closed (closed or rejected)."),
        C("state", EvidenceType.Text, "处理状态", "State", "基准日的处理状态：new、accepted、closed、rejected 等。", "Handling state at the reference date: new, accepted, closed, rejected, …."),
        C("status_notes", EvidenceType.Text, "处理说明", "Status notes", "工作人员公开的处理说明。", "The staff's public note on the handling."),
        C("description", EvidenceType.Text, "问题描述", "Description", "报告人填写的问题描述（Open311 公开的内容）。", "The problem as the reporter described it (published by Open311)."),
        C("address", EvidenceType.Text, "地址", "Address", "报告的地点描述。", "The place as described in the report."),
        DistrictCode, TownshipCode,
        C("requested_at", EvidenceType.DateTime, "提交时间", "Requested at", "报告提交的时间（UTC）。", "When the report was filed (UTC)."),
        C("updated_at", EvidenceType.DateTime, "最后更新时间", "Updated at", "基准日有效版本最后更新的时间（UTC）。", "When the version valid at the reference date was last updated (UTC)."),
        C("closed_at", EvidenceType.DateTime, "办结时间", "Closed at", "办结时间（UTC），未办结时为空。", "When it was closed (UTC); empty while open."),
        C("duplicate_of", EvidenceType.Integer, "重复于", "Duplicate of", "作为重复报告合并到的报告编号。", "Id of the report this one was merged into as a duplicate."),
        C("duplicates", EvidenceType.Integer, "重复报告数", "Duplicates", "基准日合并到本报告的重复报告数。", "Reports merged into this one as duplicates at the reference date.", "个 count"),
        C("me_too", EvidenceType.Integer, "“我也遇到”数", "Me too", "其他人点“我也遇到”的次数。", "How many others said \"me too\".", "次 count"),
        C("facility_id", EvidenceType.Integer, "设施编号", "Facility id", "关联的设施编号。", "Id of the linked facility."),
        C("defect_id", EvidenceType.Integer, "缺陷编号", "Defect id", "由本报告产生的缺陷编号。", "Id of the defect raised from the report."),
    ], EvidenceSql.Reports);

    /// <summary>Plan targets of the district and its subdivisions in force in the package's year.</summary>
    public static readonly EvidenceLayer PlanTargets = new("plan_targets", "规划指标", "Plan targets", null,
    [
        DistrictCode with { Zh = "区划代码", En = "District code", DefinitionZh = "制定该目标的区划代码。", DefinitionEn = "Code of the division whose plan sets the target." },
        C("indicator", EvidenceType.Text, "指标代码", "Indicator", "指标代码，如 township_service_facility_coverage。", "Indicator code, e.g. township_service_facility_coverage."),
        C("title", EvidenceType.Text, "指标名称", "Title", "规划文件中的指标名称。", "The target as the plan names it."),
        C("kind", EvidenceType.Text, "类型", "Kind", "Count（数量）或 Ratio（比例）。", "Count or Ratio."),
        C("value", EvidenceType.Decimal, "目标值", "Value", "目标值（比例为 0–1）。", "Target value (a ratio is 0–1)."),
        C("comparator", EvidenceType.Text, "比较", "Comparator", "达标条件，如 >=。", "How the value is met, e.g. >=."),
        C("unit", EvidenceType.Text, "单位", "Unit", "目标值的单位。", "Unit of the value."),
        C("period_start", EvidenceType.Integer, "起始年", "Period start", "规划期的第一年。", "First year of the plan period.", "年 year"),
        C("period_end", EvidenceType.Integer, "终止年", "Period end", "规划期的最后一年。", "Last year of the plan period.", "年 year"),
        C("binding", EvidenceType.Boolean, "约束性", "Binding", "true 为约束性指标，false 为预期性指标。", "true for a binding (约束性) target, false for an expected (预期性) one."),
        C("source_document", EvidenceType.Text, "来源文件", "Source document", "规划文件名称。", "The plan document."),
        C("source_table", EvidenceType.Text, "来源表格", "Source table", "规划文件中的表格或章节。", "Table or section of the document."),
        C("note", EvidenceType.Text, "备注", "Note", "备注。", "Note."),
    ], EvidenceSql.PlanTargets);

    /// <summary>Every table, in the order the package holds them.</summary>
    public static readonly IReadOnlyList<EvidenceLayer> All = [Facilities, RoadSegments, Districts, Defects, Reports, PlanTargets];
}
