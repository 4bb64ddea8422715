using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.AnnualReports;

/// <summary>What a publisher sends: the note of the edition (what it is; for a later edition, what it corrects).</summary>
/// <param name="Note">Required, at most <see cref="PublishAnnualReport.MaxNote"/> characters.</param>
public sealed record PublishAnnualReportRequest(string? Note);

/// <summary>
/// Use case: a district's administrator publishes the annual report of an ended year. The figures as of 31 December,
/// as the registry knows them at this moment, are frozen as the next edition (1, 2, …) with who, when and the note;
/// audited. Shared by <c>POST /api/v1/annual-reports/{district}/{year}/editions</c> and the staff page.
/// </summary>
public sealed class PublishAnnualReport(RegistryDbContext db, IServiceScopeFactory scopes, AuditLog audit, TimeProvider clock)
{
    /// <summary>Entity type in the audit log.</summary>
    public const string AuditEntityType = "annual_report_edition";

    /// <summary>Longest note.</summary>
    public const int MaxNote = 2000;

    /// <summary>Publishes the next edition of the report of <paramref name="district"/> for <paramref name="year"/>.</summary>
    public async Task<Outcome<AnnualReportEdition>> RunAsync(HttpContext http, string district, string year, PublishAnnualReportRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var report = AnnualReportRules.Parse(district, year, clock, errors);
        // Whose report it is decides first: a caller outside the district learns nothing of its years.
        if (report.Code is { } code && await http.AuthorizeAsync(Operations.Create, RegistryResource.In(ResourceKinds.AnnualReport, code)) is { } denied)
        {
            return Outcome<AnnualReportEdition>.Refused(denied);
        }

        var note = request.Note?.Trim();
        if (string.IsNullOrEmpty(note))
        {
            errors.Add("note", "Required: what this edition is (for a later edition, what it corrects).");
        }
        else if (note.Length > MaxNote)
        {
            errors.Add("note", FormattableString.Invariant($"At most {MaxNote} characters."));
        }

        if (!errors.IsEmpty || report.Code is null)
        {
            return Outcome<AnnualReportEdition>.Invalid(errors);
        }

        // Knowledge is pinned before computing: the edition holds what the registry knew at this instant, which anyone
        // can check later with the live figures' knownAt.
        var knownAt = clock.GetUtcNow();
        var asOf = AnnualReportFigures.EndOf(report.Year, knownAt);
        if (await AnnualReportFigures.ComputeAsync(db, scopes, report.Code, report.Year, asOf, ct) is not { } figures)
        {
            return Outcome<AnnualReportEdition>.NotFound();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = await WriteResults.OpenAsync(db, ct);
        var (id, edition) = await AnnualReportSql.InsertNextAsync(
            connection, report.Code, report.Year, asOf.Date, knownAt, clock.GetUtcNow(), UserPrincipal.UserId(http.User),
            http.User.Identity?.Name ?? "unknown", note!, figures, ct);
        audit.Record(http, AuditActions.Create, AuditEntityType, id.ToString(CultureInfo.InvariantCulture), null, new JsonObject
        {
            ["districtCode"] = edition.DistrictCode,
            ["year"] = edition.Year,
            ["edition"] = edition.Edition,
            ["asOf"] = edition.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["knownAt"] = edition.KnownAt,
            ["note"] = edition.Note,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return Outcome<AnnualReportEdition>.Done(edition);
    }
}

/// <summary>The rules of an annual report's address: a district code and an ended year.</summary>
public static class AnnualReportRules
{
    /// <summary>
    /// The district (normalized GB/T 2260 code) and year of a report, each null/0 with an error on <c>district</c> or
    /// <c>year</c>: the year must be a whole number from 2000 and ended (before the current year in China Standard Time).
    /// </summary>
    public static (string? Code, int Year) Parse(string district, string year, TimeProvider clock, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        string? code = null;
        if (!Districts.DistrictCodes.TryNormalize(district ?? "", out var normalized))
        {
            errors.Add("district", $"'{district}' is not a GB/T 2260 code.");
        }
        else
        {
            code = normalized;
        }

        var thisYear = AsOf.Today(clock).Year;
        if (!int.TryParse(year?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var y) || y < AsOf.Earliest.Year || y > thisYear)
        {
            errors.Add("year", FormattableString.Invariant($"Expected a year from {AsOf.Earliest.Year} to {thisYear - 1}."));
            return (code, 0);
        }

        if (y == thisYear)
        {
            errors.Add("year", FormattableString.Invariant($"{y} has not ended: an annual report is of an ended year (the current year's figures are the live indicators)."));
            return (code, 0);
        }

        return (code, y);
    }
}
