using System.Text.RegularExpressions;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.PlanTargets;

/// <summary>What a plan target must be, shared by creating and changing one.</summary>
public static partial class PlanTargetRules
{
    /// <summary>Entity type in the audit log.</summary>
    public const string AuditEntityType = "plan_target";

    /// <summary>How a target's value may be compared.</summary>
    public static readonly IReadOnlyList<string> Comparators = [">=", ">", "=", "<=", "<"];

    /// <summary>The errors of <paramref name="r"/>, by field (empty when acceptable).</summary>
    public static async Task<FieldErrors> ValidateAsync(PlanTargetRequest r, RegistryDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(db);
        var errors = new FieldErrors();
        if (!DistrictCodes.TryNormalize(r.DistrictCode, out var code))
        {
            errors.Add("districtCode", "Required: the GB/T 2260 code of the district whose plan sets the target.");
        }
        else if (!await db.Districts.AnyAsync(d => d.Code == code, ct))
        {
            errors.Add("districtCode", $"No district has the code {code}.");
        }

        if (r.Indicator is null || !IndicatorPattern().IsMatch(r.Indicator))
        {
            errors.Add("indicator", "Required: a lower-case name such as household_renovations (letters, digits, underscores, up to 80).");
        }

        if (string.IsNullOrWhiteSpace(r.Title) || r.Title.Length > 500)
        {
            errors.Add("title", "Required: the indicator's wording in the plan (up to 500 characters).");
        }

        if (string.IsNullOrWhiteSpace(r.SourceDocument) || r.SourceDocument.Length > 500)
        {
            errors.Add("sourceDocument", "Required: the plan document the target comes from (up to 500 characters).");
        }

        if (r.Kind is null)
        {
            errors.Add("kind", "Required: count or ratio.");
        }

        if (r.Value is not { } value || value < 0)
        {
            errors.Add("value", "Required: zero or more.");
        }
        else if (r.Kind == PlanTargetKind.Ratio && value > 1)
        {
            errors.Add("value", "A ratio is given as a share from 0 to 1 (50 % is 0.5).");
        }

        if (r.Comparator is not null && !Comparators.Contains(r.Comparator, StringComparer.Ordinal))
        {
            errors.Add("comparator", "Expected one of >=, >, =, <=, <.");
        }

        if (r.PeriodStart is not (>= 2000 and <= 2100))
        {
            errors.Add("periodStart", "Required: a year from 2000 to 2100.");
        }

        if (r.PeriodEnd is not (>= 2000 and <= 2100))
        {
            errors.Add("periodEnd", "Required: a year from 2000 to 2100.");
        }
        else if (r.PeriodStart is { } start && r.PeriodEnd < start)
        {
            errors.Add("periodEnd", "The period cannot end before it starts.");
        }

        if (r.Binding is null)
        {
            errors.Add("binding", "Required: true for binding (约束性), false for expected (预期性).");
        }

        return errors;
    }

    /// <summary>The district and the prefecture and province above it (a township also names its county).</summary>
    public static List<string> SelfAndAncestors(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var codes = new List<string> { code };
        if (code.Length == 9)
        {
            codes.Add(code[..6]);
            code = code[..6];
        }

        if (code.Length == 6)
        {
            codes.Add(code[..4] + "00");
            codes.Add(code[..2] + "0000");
        }

        return codes.Distinct(StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,79}$")]
    private static partial Regex IndicatorPattern();
}
