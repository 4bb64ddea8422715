using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Coverage;

/// <summary>What each indicator means, in plain words (Chinese and English), shown in the page as "how is this computed".</summary>
public static class CoverageDefinitions
{
    /// <summary>Definition of each indicator by its key in the coverage response.</summary>
    public static readonly IReadOnlyDictionary<string, (string Zh, string En)> All = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["facilities"] = (
            "登记的无障碍设施按类型和状态计数（不含已删除记录）。每平方公里和每万常住人口的密度只计在用设施（不含“已拆除”和“在建”）；面积按区划边界在椭球面上计算，人口未知时不计算每万人指标。",
            "Registered facilities (deleted records excluded) counted by kind and status. Densities per km² and per 10,000 residents count facilities in service only (not removed, not under construction); the area is the district boundary's area on the ellipsoid; per-resident figures are given only where the population is known."),
        ["toiletReach"] = (
            "需求点中，在 N 米（默认 500 米，按椭球面距离）以内有一座“正常使用”的无障碍厕所的比例。需求点为在用的公共服务建筑、在用的公交站，以及已验收的家庭无障碍改造户；改造户只以合计数参与，位置从不公开，户数少于 5 时不计入、不显示。厕所可以在本区划以外。",
            "Share of demand points with an operational accessible toilet within N metres (default 500, geodesic distance). Demand points are public service buildings and bus stops in service and households whose renovation was accepted; households count only as a total, their locations are never shown, and fewer than 5 are left out and not shown. The toilet may lie outside the district."),
        ["townshipService"] = (
            "本区划内的乡镇（街道）中，至少有一处“正常使用”的残疾人服务机构（康复、托养、残疾人之家、阳光家园）的比例（“乡乡有机构”），并与规划目标比较。",
            "Share of the townships (towns and street offices) in the district with at least one operational disability service facility (rehabilitation, day care, 残疾人之家, 阳光家园) — \"a service in every township\" — compared with the plan target."),
        ["mainRoads"] = (
            "主干路总长度中，同时具备人行道、两端缘石坡道和连续盲道的路段长度所占比例；长度按椭球面计算。",
            "Share of main-road length whose segments have a sidewalk, curb ramps at both ends and continuous tactile paving; lengths on the ellipsoid."),
        ["inspections"] = (
            "在用设施中，按其类型的检查周期（默认 12 个月）计：按期（下次到期在 30 天以后）、即将到期（30 天内）、逾期和从未检查的数量；“周期内已检查”为按期与即将到期之和所占比例。",
            "Facilities in service by inspection state against their kind's interval (12 months by default): on time (next due more than 30 days away), due soon (within 30 days), overdue, never inspected; \"inspected within interval\" is the share on time or due soon."),
        ["defects"] = (
            "未关闭缺陷（待处理、已指派、已整改待复核）按严重程度计数，其中逾期的数量；整改天数中位数为已复核缺陷从发现到首次报告整改完成的天数的中位数。",
            "Unclosed defects (open, assigned, fixed awaiting verification) by severity, and how many are overdue; median days to repair is the median, over verified defects, of the days from being found to first reported fixed."),
        ["renovations"] = (
            "困难重度残疾人家庭无障碍改造对照规划目标：期内已验收户数、在办户数、按当前进度到期末的预测，比例目标以符合条件户数为分母；少于 5 户的数字不公开。",
            "Home accessibility renovations against each plan target: households accepted within the period, in the pipeline, and the forecast at the current pace to the period's end; a ratio target divides by the eligible households; figures below 5 households are withheld."),
    };

    /// <summary>The definition of <paramref name="key"/> as <c>{"zh","en"}</c>.</summary>
    public static JsonObject Of(string key) => new() { ["zh"] = All[key].Zh, ["en"] = All[key].En };
}
