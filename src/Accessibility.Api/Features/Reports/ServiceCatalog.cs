namespace Accessibility.Api.Features.Reports;

/// <summary>A choice of a list attribute.</summary>
/// <param name="Key">Value sent.</param>
/// <param name="Zh">Chinese name.</param>
/// <param name="En">English name.</param>
public sealed record ServiceAttributeValue(string Key, string Zh, string En);

/// <summary>An Open311 attribute of a service definition.</summary>
/// <param name="Code">Attribute code (<c>attribute[code]</c>).</param>
/// <param name="Datatype">string, text or singlevaluelist.</param>
/// <param name="Required">Whether a request must answer it.</param>
/// <param name="Zh">Chinese description.</param>
/// <param name="En">English description.</param>
/// <param name="Values">Choices of a list.</param>
public sealed record ServiceAttribute(string Code, string Datatype, bool Required, string Zh, string En, IReadOnlyList<ServiceAttributeValue> Values);

/// <summary>A report category (Open311 service).</summary>
/// <param name="Code">service_code.</param>
/// <param name="Zh">Chinese name.</param>
/// <param name="En">English name.</param>
/// <param name="DescriptionZh">Chinese description.</param>
/// <param name="DescriptionEn">English description.</param>
/// <param name="FacilityKinds">Facility kinds the category is about (the page lists nearby ones).</param>
/// <param name="Attributes">Attribute definitions.</param>
public sealed record ReportService(
    string Code, string Zh, string En, string DescriptionZh, string DescriptionEn, IReadOnlyList<string> FacilityKinds, IReadOnlyList<ServiceAttribute> Attributes)
{
    /// <summary>Open311 <c>service_name</c>: Chinese and English.</summary>
    public string Name => Zh + " / " + En;
}

/// <summary>The report categories, each with a Chinese and an English name, and their Open311 attributes.</summary>
public static class ServiceCatalog
{
    /// <summary>The category of problems at a construction site (施工现场无障碍问题).</summary>
    public const string ConstructionSite = "construction_site";

    /// <summary>The attribute of <see cref="ConstructionSite"/> naming the construction project (its id), optional.</summary>
    public const string ProjectAttribute = "project";

    /// <summary>Group of every service (Open311 <c>group</c>).</summary>
    public const string Group = "无障碍设施 / Accessibility";

    private static ServiceAttribute Problem(params ServiceAttributeValue[] values) =>
        new("problem", "singlevaluelist", true, "问题类型", "What is wrong", values);

    private static ServiceAttributeValue V(string key, string zh, string en) => new(key, zh, en);

    /// <summary>Every service, in the order apps show them.</summary>
    public static readonly IReadOnlyList<ReportService> All =
    [
        new("curb_ramp", "缘石坡道缺失或损坏", "Broken or missing curb ramp", "路口或人行道缘石坡道缺失、破损或被阻挡", "A curb ramp at a crossing or sidewalk is missing, broken or blocked",
            ["curb_ramp"], [Problem(V("missing", "缺失", "Missing"), V("broken", "破损", "Broken"), V("blocked", "被阻挡", "Blocked"), V("lip_too_high", "高差过大", "Lip too high"))]),
        new("tactile_paving", "盲道被占用或中断", "Blocked tactile paving", "盲道被车辆、摊位、施工或杂物占用，或中断、损坏", "Tactile paving blocked by vehicles, stalls, works or objects, interrupted or damaged",
            ["tactile_paving"], [Problem(V("parked_vehicle", "车辆占用", "Parked vehicle"), V("obstacle", "杂物或摊位", "Objects or stall"), V("interrupted", "中断", "Interrupted"), V("damaged", "损坏", "Damaged"))]),
        new("accessible_toilet", "无障碍厕所锁闭或故障", "Accessible toilet locked or out of order", "无障碍厕所（第三卫生间）锁闭、挪作他用或设施故障", "An accessible toilet is locked, used for storage, or its fittings are out of order",
            ["accessible_toilet"], [Problem(V("locked", "锁闭", "Locked"), V("out_of_order", "设施故障", "Out of order"), V("storage", "挪作他用", "Used for storage"))]),
        new("elevator", "电梯或升降平台停用", "Elevator or lift out of service", "无障碍电梯或升降平台停用、故障或无法操作", "An accessible elevator or platform lift is out of service or cannot be operated",
            ["elevator", "crossing_structure"], [Problem(V("stopped", "停运", "Not running"), V("doors", "门故障", "Doors faulty"), V("controls", "按钮无法使用", "Controls unusable"))]),
        new("accessible_parking", "无障碍停车位被占用或缺失", "Accessible parking occupied or missing", "无障碍停车位被非残疾人车辆占用、缺失或标识不清", "An accessible parking space is occupied by others, missing or unmarked",
            ["accessible_parking"], [Problem(V("occupied", "被占用", "Occupied"), V("missing", "缺失", "Missing"), V("unmarked", "标识不清", "Unmarked"))]),
        new("ramp", "坡道过陡或损坏", "Ramp too steep or damaged", "轮椅坡道过陡、破损、缺少扶手或被阻挡", "A wheelchair ramp is too steep, damaged, lacks handrails or is blocked",
            ["ramp", "accessible_entrance"], [Problem(V("too_steep", "过陡", "Too steep"), V("damaged", "破损", "Damaged"), V("no_handrail", "缺少扶手", "No handrail"), V("blocked", "被阻挡", "Blocked"))]),
        new("audible_signal", "过街音响提示装置无声", "Audible signal silent", "人行横道过街音响提示装置无声、过轻或与信号不同步", "An audible pedestrian signal is silent, too quiet or out of step with the lights",
            ["audible_signal"], [Problem(V("silent", "无声", "Silent"), V("too_quiet", "声音过小", "Too quiet"), V("wrong_timing", "不同步", "Out of step"))]),
        new(ConstructionSite, "施工现场无障碍问题", "Accessibility problem at a construction site",
            "在建项目的施工现场阻断盲道或无障碍通道、没有设置无障碍绕行通道，或正在建设的设施不符合无障碍要求",
            "A construction site blocks tactile paving or an accessible route, leaves no accessible detour, or builds facilities that do not meet the barrier-free requirements",
            [], [Problem(V("route_blocked", "占用盲道或无障碍通道", "Tactile paving or accessible route blocked"), V("no_detour", "没有无障碍绕行通道", "No accessible detour"),
                     V("not_barrier_free", "在建设施不符合无障碍要求", "What is being built is not barrier-free"), V("other", "其他", "Other")),
                 new ServiceAttribute(ProjectAttribute, "string", false, "建设项目编号（从在建项目列表进入时自动填写）",
                     "Construction project number (filled in when coming from the list of projects)", [])]),
        new("other", "其他无障碍问题", "Other accessibility problem", "其他无障碍设施问题", "Any other problem with barrier-free facilities",
            [], []),
    ];

    /// <summary>The service with <paramref name="code"/>, or null.</summary>
    public static ReportService? Find(string? code) => All.FirstOrDefault(s => string.Equals(s.Code, code, StringComparison.Ordinal));
}
