using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.EntityFrameworkCore;
using nietras.SeparatedValues;

namespace Accessibility.Api.Features.Renovations;

/// <summary>A CSV file to download.</summary>
/// <param name="Content">The bytes (UTF-8 with a byte order mark, so that spreadsheet programs read it as UTF-8).</param>
/// <param name="FileName">Name to save it under.</param>
public sealed record RenovationCsvFile(byte[] Content, string FileName);

/// <summary>
/// Use case: export a district's cases as CSV for the housing bureau's own records: ID and phone masked, no coordinates;
/// the export is written to the audit log.
/// </summary>
public sealed class ExportRenovationCases(RegistryDbContext db, PersonalDataProtector protector, AuditLog audit, TimeProvider clock)
{
    private static readonly string[] Columns =
    [
        "id", "district_code", "township_code", "status", "status_changed_at", "person_name", "id_number_last4", "phone_last4",
        "disability_category", "disability_grade", "eligibility", "lives_alone", "address", "identified_on", "barriers", "items",
        "cost_estimate", "subsidy", "own_contribution", "final_cost", "contractor", "approved_at", "contracted_at", "completed_at",
        "accepted_at", "satisfaction", "closing_reason", "source",
    ];

    /// <summary>The cases of <paramref name="district"/> (optionally of one status) as a CSV file.</summary>
    public async Task<RenovationOutcome<RenovationCsvFile>> ExportAsync(HttpContext http, string? district, string? status, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (scope, prefix) = await RenovationCaseRules.DistrictScopeAsync(http, district, Operations.ReadPersonal, ResourceKinds.RenovationCase);
        if (scope is not null)
        {
            return RenovationOutcome<RenovationCsvFile>.Refused(scope);
        }

        if (RenovationCaseRules.StatusFilterProblem(status) is { } badStatus)
        {
            return RenovationOutcome<RenovationCsvFile>.Refused(badStatus);
        }

        var cases = await db.RenovationCases.AsNoTracking()
            .Where(c => c.DistrictCode.StartsWith(prefix) && (status == null || c.Status == status)).OrderBy(c => c.Id).ToListAsync(ct);
        var csv = Write(cases);
        audit.Record(http, RenovationEndpoints.ExportAction, RenovationEndpoints.AuditEntityType, district!, null, new JsonObject
        {
            ["format"] = "csv",
            ["districtCode"] = district,
            ["status"] = status,
            ["rows"] = cases.Count,
        });
        await db.SaveChangesAsync(ct);
        var name = FormattableString.Invariant($"renovations-{district}-{clock.GetUtcNow():yyyyMMdd}.csv");
        return RenovationOutcome.Success(new RenovationCsvFile(Encoding.UTF8.GetBytes(csv), name));
    }

    private string Write(IEnumerable<RenovationCase> cases)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        text.Write('\uFEFF'); // so that spreadsheet programs read UTF-8
        using (var writer = Sep.New(',').Writer(o => o with { Escape = true }).To(text, leaveOpen: true))
        {
            writer.Header.Add(Columns);
            writer.Header.Write();
            foreach (var c in cases)
            {
                var s = RenovationCaseViews.Summary(c, protector);
                string[] fields =
                [
                    WriteResults.Id(c.Id), c.DistrictCode, c.TownshipCode ?? "", c.Status, Iso(c.StatusChangedAt), c.PersonName, s.IdNumberMasked, s.PhoneMasked,
                    c.DisabilityCategory, c.DisabilityGrade.ToString(CultureInfo.InvariantCulture), c.Eligibility, c.LivesAlone ? "true" : "false", c.Address,
                    c.IdentifiedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), string.Join(';', c.Barriers),
                    string.Join(';', c.Items.OfType<JsonObject>().Select(i => (string?)i["code"] + "×" + ((int?)i["quantity"] ?? 1).ToString(CultureInfo.InvariantCulture))),
                    Money(c.CostEstimate), Money(c.Subsidy), Money(c.OwnContribution), Money(c.FinalCost), c.Contractor ?? "",
                    Iso(c.ApprovedAt), Iso(c.ContractedAt), Iso(c.CompletedAt), Iso(c.AcceptedAt),
                    c.Satisfaction?.ToString(CultureInfo.InvariantCulture) ?? "", c.ClosingReason ?? "", c.Source,
                ];
                using var row = writer.NewRow();
                for (var i = 0; i < Columns.Length; i++)
                {
                    row[Columns[i]].Set(Defused(fields[i]));
                }
            }
        }

        return text.ToString();

        static string Iso(DateTimeOffset? t) => t?.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) ?? "";
        static string Money(decimal? m) => m?.ToString("0.00", CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>
    /// A value defused against formula injection: one a spreadsheet would run as a formula (starting with = + - @, tab or
    /// CR) gets a leading apostrophe. Quoting is the CSV writer's.
    /// </summary>
    internal static string Defused(string value) =>
        value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
}
