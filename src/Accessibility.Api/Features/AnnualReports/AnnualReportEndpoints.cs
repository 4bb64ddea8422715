using System.Globalization;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Coverage;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.AnnualReports;

/// <summary>
/// <c>/api/v1/annual-reports/{district}/{year}</c>: the annual report of an ended year, exact as of 31 December — live
/// (as the registry knows it now, or at <c>knownAt</c>) and as published. A published edition is frozen; a later edition
/// can be issued (after corrections) and every edition stays readable, with what changed between two of them. Reads are
/// public (the figures are the public view); publishing is the district administrator's.
/// </summary>
public static class AnnualReportEndpoints
{
    /// <summary>Registers the feature's use cases.</summary>
    public static IServiceCollection AddAnnualReports(this IServiceCollection services) => services.AddScoped<PublishAnnualReport>();

    /// <summary>Maps the annual report routes.</summary>
    public static IEndpointRouteBuilder MapAnnualReportEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/annual-reports/{district}/{year}").WithTags("Annual reports");
        group.MapGet("", Live).WithName("GetAnnualReportFigures").RequireAccess(ResourceKinds.AnnualReport, Operations.Read)
            .WithSummary("The figures of the annual report of an ended year as of 31 December (China Standard Time), as the registry knows them now or at knownAt (ISO instant): the district's indicators and its children's (public view), its plan targets then, and the year's monthly trends.")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("editions", List).WithName("ListAnnualReportEditions").RequireAccess(ResourceKinds.AnnualReport, Operations.Read)
            .WithSummary("The published editions of the report, oldest first: number, as of, known at, published at, note (publisher's name for signed-in staff only).")
            .Produces<JsonObject>().ProducesValidationProblem();
        group.MapPost("editions", Publish).WithName("PublishAnnualReportEdition").RequireAccess(ResourceKinds.AnnualReport, Operations.Create)
            .WithSummary("Publishes the next edition of the report of an ended year (the district's administrators): the figures as of 31 December as known now are frozen with the note; body {\"note\": \"…\"}.")
            .Accepts<PublishAnnualReportRequest>("application/json").Produces<JsonObject>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("editions/{edition}", Get).WithName("GetAnnualReportEdition").RequireAccess(ResourceKinds.AnnualReport, Operations.Read)
            .WithSummary("One published edition with its frozen figures (the same shape as the live figures).")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("editions/{edition}/changes", Changes).WithName("GetAnnualReportEditionChanges").RequireAccess(ResourceKinds.AnnualReport, Operations.Read)
            .WithSummary("What changed from edition since (default: the one before) to this edition: every figure whose value differs, with its path and both values.")
            .Produces<JsonObject>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Live(
        string district, string year, HttpContext http, RegistryDbContext db, IServiceScopeFactory scopes, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        UnknownParameters(http, errors, "knownAt");
        var (code, y) = AnnualReportRules.Parse(district, year, clock, errors);
        var known = clock.GetUtcNow();
        if (http.Request.Query.TryGetValue("knownAt", out var knownText))
        {
            // AsOf.Parse reads knownAt as it does for every as-of read; the date is the report's own.
            known = AsOf.Parse(y > 0 ? FormattableString.Invariant($"{y}-12-31") : null, knownText.ToString(), clock, errors)?.KnownAt ?? known;
        }

        if (code is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, CoverageEndpoints.BadQueryTitle);
        }

        var figures = await AnnualReportFigures.ComputeAsync(db, scopes, code, y, AnnualReportFigures.EndOf(y, known), ct);
        return figures is null ? CoverageEndpoints.NotFound(code) : TypedResults.Ok(figures);
    }

    private static async Task<IResult> List(string district, string year, HttpContext http, RegistryDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        UnknownParameters(http, errors);
        var (code, y) = AnnualReportRules.Parse(district, year, clock, errors);
        if (code is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, CoverageEndpoints.BadQueryTitle);
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        var editions = await AnnualReportSql.ListAsync(connection, code, y, null, ct);
        return TypedResults.Ok(new JsonObject
        {
            ["district"] = code,
            ["year"] = y,
            ["items"] = new JsonArray([.. editions.Select(e => (JsonNode)Describe(e, http))]),
        });
    }

    private static async Task<IResult> Publish(string district, string year, HttpContext http, PublishAnnualReport publish, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PublishAnnualReportRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var outcome = await publish.RunAsync(http, district, year, request, ct);
        switch (outcome.Kind)
        {
            case OutcomeKind.Done:
                var e = outcome.Value!;
                return TypedResults.Created(EditionPath(e), Describe(e, http));
            case OutcomeKind.Refused:
                return outcome.Refusal!;
            case OutcomeKind.Invalid:
                // The address (district, year) is a 400, the body's note a 422.
                var errors = outcome.Errors!;
                return errors.Has("district") || errors.Has("year")
                    ? errors.ToResult(StatusCodes.Status400BadRequest, CoverageEndpoints.BadQueryTitle)
                    : errors.ToResult(StatusCodes.Status422UnprocessableEntity);
            default:
                return CoverageEndpoints.NotFound(district);
        }
    }

    private static async Task<IResult> Get(
        string district, string year, string edition, HttpContext http, RegistryDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        UnknownParameters(http, errors);
        var (code, y) = AnnualReportRules.Parse(district, year, clock, errors);
        var n = ParseEdition("edition", edition, errors);
        if (code is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, CoverageEndpoints.BadQueryTitle);
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        if (await AnnualReportSql.GetAsync(connection, code, y, n, ct) is not { } found)
        {
            return NoEdition(code, y, n);
        }

        var result = Describe(found.Edition, http);
        result["figures"] = JsonNode.Parse(found.Figures);
        return TypedResults.Ok(result);
    }

    private static async Task<IResult> Changes(
        string district, string year, string edition, string? since, HttpContext http, RegistryDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        UnknownParameters(http, errors, "since");
        var (code, y) = AnnualReportRules.Parse(district, year, clock, errors);
        var n = ParseEdition("edition", edition, errors);
        var m = since is null ? n - 1 : ParseEdition("since", since, errors);
        if (errors.IsEmpty && (m < 1 || m == n))
        {
            errors.Add("since", n == 1 && since is null
                ? "Edition 1 is the first: name another edition to compare it with."
                : "Expected another edition of the same report.");
        }

        if (code is null || !errors.IsEmpty)
        {
            return errors.ToResult(StatusCodes.Status400BadRequest, CoverageEndpoints.BadQueryTitle);
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        if (await AnnualReportSql.GetAsync(connection, code, y, n, ct) is not { } to)
        {
            return NoEdition(code, y, n);
        }

        if (await AnnualReportSql.GetAsync(connection, code, y, m, ct) is not { } from)
        {
            return NoEdition(code, y, m);
        }

        var changes = AnnualReportChanges.Between(JsonNode.Parse(from.Figures)!.AsObject(), JsonNode.Parse(to.Figures)!.AsObject());
        return TypedResults.Ok(new JsonObject
        {
            ["district"] = code,
            ["year"] = y,
            ["edition"] = n,
            ["since"] = m,
            ["sinceKnownAt"] = from.Edition.KnownAt,
            ["knownAt"] = to.Edition.KnownAt,
            ["changes"] = new JsonArray([.. changes.Select(c => (JsonNode)new JsonObject { ["path"] = c.Path, ["from"] = c.From, ["to"] = c.To })]),
        });
    }

    /// <summary>An edition without its figures. The publisher's account name is for signed-in staff only, as other staff names are.</summary>
    internal static JsonObject Describe(AnnualReportEdition e, HttpContext http) => new()
    {
        ["district"] = e.DistrictCode,
        ["year"] = e.Year,
        ["edition"] = e.Edition,
        ["asOf"] = e.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["knownAt"] = e.KnownAt,
        ["publishedAt"] = e.PublishedAt,
        ["publishedBy"] = http.User.Identity?.IsAuthenticated == true ? e.PublishedBy : null,
        ["note"] = e.Note,
        ["href"] = EditionPath(e),
    };

    /// <summary>The API address of an edition.</summary>
    internal static string EditionPath(AnnualReportEdition e) =>
        FormattableString.Invariant($"/api/v1/annual-reports/{e.DistrictCode}/{e.Year}/editions/{e.Edition}");

    private static int ParseEdition(string field, string text, FieldErrors errors)
    {
        if (int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
        {
            return n;
        }

        errors.Add(field, "Expected an edition number: 1, 2, …");
        return 0;
    }

    private static void UnknownParameters(HttpContext http, FieldErrors errors, params string[] known)
    {
        foreach (var key in http.Request.Query.Keys.Where(k => !known.Contains(k, StringComparer.Ordinal)))
        {
            errors.Add(key, "Unknown parameter" + (known.Length == 0 ? "." : ": expected " + string.Join(", ", known) + "."));
        }
    }

    private static IResult NoEdition(string code, int year, int edition) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Edition not found",
        detail: FormattableString.Invariant($"The {year} annual report of {code} has no edition {edition}."));
}
