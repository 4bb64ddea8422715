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
            "需求点中，在 N 米（默认 500 米，按椭球面距离）以内有一座“正常使用”的无障碍厕所的比例。需求点为在用的公共服务建筑、在用的公交站，以及已验收的家庭无障碍改造户（改造户只计入本区划规划、管理人员看到的结果）。公众看到的比例只含公共服务建筑和公交站；改造户单列，只在县级、默认 500 米时公开，且已覆盖和未覆盖均不少于 5 户、合计与改造统计公开的数字一致，否则整行不公开。位置从不公开。厕所可以在本区划以外。",
            "Share of demand points with an operational accessible toilet within N metres (default 500, geodesic distance). Demand points are public service buildings and bus stops in service and households whose renovation was accepted (households only for the district's own planners and administrators). The public share counts public buildings and bus stops only; households are a separate line, published only for a county at the default 500 m, and only when both covered and not covered are at least 5 and the total is the one the renovation statistics publish; otherwise the whole line is withheld. Locations are never shown. The toilet may lie outside the district."),
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
            "困难重度残疾人家庭无障碍改造对照规划目标：期内已验收户数、在办户数、按当前进度到期末的预测，比例目标以符合条件户数为分母。对公众：少于 5 户的数字不公开，几个目标之间相差 1 至 4 户的也不公开；在办户数和以登记户数为分母的比例只在县级、与改造统计公开的数字一致时公开；数字不公开时也不给出能否完成的判断。",
            "Home accessibility renovations against each plan target: households accepted within the period, in the pipeline, and the forecast at the current pace to the period's end; a ratio target divides by the eligible households. For the public, figures below 5 households are withheld, and so are targets whose accepted households differ from another target's by 1 to 4; the pipeline, and ratios over the registered households, are shown only for a county and only as sums of what the renovation statistics publish; where the figures are withheld, so is whether the target will be missed."),
        ["reports"] = (
            "本区划的群众报告：未办结（待处理、已受理）和已办结（已整改并经复查确认，或不予受理）的数量；办结天数中位数为已办结报告从提交到办结的天数的中位数。重复报告各自计数；重新打开的报告算作未办结。",
            "Public reports in the district: open (awaiting triage or accepted) and closed (fixed and verified by a re-inspection, or rejected with a reason); median days to close is the median, over closed reports, of the days from filing to closing. Duplicates count as reports of their own; a reopened report counts as open."),
        ["newProjects"] = (
            "新建项目无障碍设施建设率 = 验收时全部适用的无障碍条目均符合的新建项目数 ÷ 已竣工验收的新建项目数。只计新建项目（不含改建项目），只计已通过竣工验收、未删除的项目；按验收日期（北京时间）计入当年（1月1日至当天）和规划期（规划期第一年1月1日至当天，最晚到期末）；任何一项不符合、或经管理员批准豁免的项目，都算作未达标。项目按其所在县级区划或乡镇（街道）计入各级区划。对照规划目标（山西省“十四五”规划：新建项目无障碍设施建设率达到100%；本区划没有目标时取上级区划的目标）。没有已验收的新建项目时不给出比例（显示“没有已验收项目”），而不是 0% 或 100%。建设项目不是住户，数字不涉及个人信息，少数项目也照常公开。",
            "Share of new buildings and roads built barrier-free = new-build projects meeting every applicable barrier-free item at acceptance ÷ new-build projects accepted. New-build projects only (alterations are not counted), accepted (竣工验收) and not deleted; counted by the date of acceptance (China Standard Time) in the year (1 January to the day) and in the plan period (1 January of its first year to the day, at most its last day). A project with any item failed, or waived by an administrator, does not count as meeting them. A project counts in its county and township and every district above them. Compared with the plan target (the Shanxi plan: 100% of new projects built barrier-free; a district without a target of its own is held to the nearest one above it). With no new project accepted there is no rate (\"no accepted projects\"), neither 0% nor 100%. Projects are not households: there is no personal data in the counts, and small counts are published as they are."),
        ["patrols"] = (
            "网格巡查覆盖率 = 每个网格在其巡查周期内（截至当前，或截至所查日期当天结束）至少巡查一次的设施数 ÷ 网格内的设施数（不含已拆除、已删除的设施）；按乡镇（街道）和全区划合计。不在任何网格内的设施不计；本区划没有网格时不给出比例。",
            "Patrol coverage = facilities patrolled at least once within their grid's patrol interval (up to now, or up to the end of the date read) ÷ facilities lying in the grids (removed and deleted facilities excluded); per township (town or street office) and for the district's grids together. Facilities in no grid are not counted; a district without grids has no rate."),
        ["gaps"] = (
            "把区划内的需求点（同“无障碍厕所可达”：在用公共服务建筑、在用公交站、已验收改造户）落入正六边形网格（ST_HexagonGrid，在区划中心所在的 CGCS2000 3 度带高斯-克吕格投影中按米划分，边长即格网尺寸）；N 米（椭球面距离）以内有一处所选类型“正常使用”设施的为已覆盖。只列出有未覆盖需求的格子。非本区划规划、管理人员看到的格子不含改造户（只含公共服务建筑和公交站），因此格网尺寸和半径可以自由选择而不会暴露任何住户的位置。",
            "Demand points (as for toilet reach: public service buildings and bus stops in service, renovated households) are placed in a hexagon grid (ST_HexagonGrid in metres, in the CGCS2000 3-degree Gauss–Krüger zone of the district's centre; the cell size is the hexagon's side). A point is covered when an operational facility of the chosen kind lies within N metres (geodesic). Only cells with uncovered demand are listed. For anyone but the district's planners and administrators, households are left out of the cells entirely (public buildings and bus stops only), so cell size and radius stay free without locating any home."),
        ["candidates"] = (
            "候选建设点为有未覆盖需求的格子的中心。按“贪心最大覆盖”依次选点：每一步选出能覆盖最多尚未覆盖需求点的候选点（并列时取格子编号较小者），给出它新增覆盖的需求点数和累计覆盖率；没有可新增时停止。非本区划工作人员看到的结果不含改造户。",
            "Candidate sites are the centres of the cells with uncovered demand. Greedy maximal coverage picks them one by one: each pick is the site that covers the most demand points not yet covered (ties go to the lower cell id), with the demand it adds and the cumulative share; it stops when nothing more can be covered. For anyone but the district's staff, households are left out."),
        ["whatIf"] = (
            "假设在该点新建一处所选类型、“正常使用”的设施（不写入任何数据），区划需求点的覆盖率前后对比；需求点与覆盖规则同“无障碍厕所可达”。非本区划工作人员看到的结果不含改造户。",
            "The district's reach before and after one more operational facility of the chosen kind at the point (nothing is written); demand points and the coverage rule as for toilet reach. For anyone but the district's staff, households are left out."),
    };

    /// <summary>Definition of each monthly series of the trends, by its key.</summary>
    public static readonly IReadOnlyDictionary<string, (string Zh, string En)> Trends = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["facilitiesAdded"] = (
            "当月新增的设施数（按生效日期：补录的设施计入其建成的月份，否则按登记时间，北京时间；不含已删除的记录）。",
            "Facilities added in the month (by effective date: a facility entered late counts in the month it was built, otherwise by registration time, China Standard Time; deleted records excluded)."),
        ["inspections"] = (
            "当月进行的督导检查次数（按检查时间）。",
            "Inspections carried out in the month (by inspection time)."),
        ["defectsFound"] = (
            "当月发现的缺陷数（由检查或受理的群众报告产生，按记录时间）。",
            "Defects found in the month (by inspections or accepted public reports, by the time recorded)."),
        ["defectsRepaired"] = (
            "当月经复查确认已整改的缺陷数（按确认时间）。",
            "Defects verified repaired by a re-inspection in the month (by the time verified)."),
        ["reportsReceived"] = (
            "当月收到的群众报告数（含重复报告）。",
            "Public reports filed in the month (duplicates included)."),
        ["reportsClosed"] = (
            "当月办结的群众报告数（已整改确认或不予受理，按办结时间；之后又被重新打开的不计）。",
            "Public reports closed in the month (fixed and verified, or rejected; by closing time; reports reopened since are not counted)."),
        ["renovationsAccepted"] = (
            "当月验收的家庭无障碍改造户数；只对本区划规划、管理人员公开。公众看到的每个月都为空：月份可以任意选取，与目标的期内合计相减会暴露少于 5 户的月份；公开的户数见改造统计（按县、按年）。",
            "Home renovations accepted in the month; shown to the district's planners and administrators only. For the public every month is withheld (empty): windows of months subtracted from a target's total would reveal months below 5; the public counts are the renovation statistics (per county and year)."),
    };

    /// <summary>The definition of <paramref name="key"/> as <c>{"zh","en"}</c>.</summary>
    public static JsonObject Of(string key) => new() { ["zh"] = All[key].Zh, ["en"] = All[key].En };

    /// <summary>The definition of trend series <paramref name="key"/> as <c>{"zh","en"}</c>.</summary>
    public static JsonObject Trend(string key) => new() { ["zh"] = Trends[key].Zh, ["en"] = Trends[key].En };
}
