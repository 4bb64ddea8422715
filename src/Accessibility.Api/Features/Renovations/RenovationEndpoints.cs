using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Geo;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace Accessibility.Api.Features.Renovations;

/// <summary>
/// <c>/api/v1/renovations</c>: household renovation cases (private to planners and district
/// administrators of the household's district; every detail read and export audited), their
/// workflow, the item catalogue, the priority list, planning against the plan targets, and the
/// public statistics with small counts suppressed.
/// </summary>
public static class RenovationEndpoints
{
    /// <summary>Entity type of cases in the audit log.</summary>
    public const string AuditEntityType = "renovation_case";

    /// <summary>Audit action of reading personal data.</summary>
    public const string ReadAction = "read";

    /// <summary>Audit action of an export.</summary>
    public const string ExportAction = "export";

    private const string IdField = "id_number";
    private const string PhoneField = "phone";

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapRenovationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/renovations").WithTags("Renovations");
        group.MapGet("workflow", Workflow).WithName("GetRenovationWorkflow").AllowAnonymous()
            .WithSummary("Statuses of a renovation case and the allowed steps with the roles that may take them.");
        group.MapGet("items", Items).WithName("ListRenovationItems").AllowAnonymous()
            .WithSummary("Catalogue of renovation items with typical unit cost, disability categories served and the standard to meet; barriers; categories.");
        group.MapGet("items/suggestions", Suggestions).WithName("SuggestRenovationItems").AllowAnonymous()
            .WithSummary("Items suggested for recorded barriers (comma-separated) and a disability category.").ProducesValidationProblem();
        group.MapGet("statistics", Statistics).WithName("GetRenovationStatistics").RequireAccess(ResourceKinds.Coverage, Operations.Read)
            .WithSummary("Public: households per county by status and year the status was reached; counts below 5 suppressed, with secondary suppression so that no total minus the shown cells reveals a count below 5; counties with fewer than 5 households in all are not listed.")
            .ProducesValidationProblem();

        var households = group.MapGroup("")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        households.MapGet("cases", List).WithName("ListRenovationCases").RequireAccess(ResourceKinds.RenovationCase, Operations.ReadPersonal)
            .WithSummary("Cases of a district (planners and district administrators of it), ID and phone masked to the last 4.")
            .Produces<RenovationCaseList>().ProducesValidationProblem();
        households.MapGet("cases/{id:long}", Get).WithName("GetRenovationCase").RequireAccess(ResourceKinds.RenovationCase, Operations.ReadPersonal)
            .WithSummary("One case in full; the read is written to the audit log.").Produces<RenovationCaseDetail>().ProducesProblem(StatusCodes.Status404NotFound);
        households.MapPost("cases", Create).WithName("CreateRenovationCase").RequireAccess(ResourceKinds.RenovationCase, Operations.Create)
            .WithSummary("Registers a household (status identified); the ID number is checked (GB 11643) and stored encrypted.")
            .Accepts<RenovationCaseRequest>("application/json").Produces<RenovationCaseDetail>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict);
        households.MapPut("cases/{id:long}", Update).WithName("UpdateRenovationCase").RequireAccess(ResourceKinds.RenovationCase, Operations.Update)
            .WithSummary("Replaces a case's data (not its status); send the version read.")
            .Accepts<RenovationCaseRequest>("application/json").Produces<RenovationCaseDetail>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict);
        households.MapPost("cases/{id:long}/transitions", Transition).WithName("TransitionRenovationCase").RequireAccess(ResourceKinds.RenovationCase, Operations.Update)
            .WithSummary("Moves a case one step along its workflow, if the step is allowed from its status and to the caller's role.")
            .Accepts<TransitionRequest>("application/json").Produces<RenovationCaseDetail>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict);
        households.MapGet("cases.csv", Export).WithName("ExportRenovationCases").RequireAccess(ResourceKinds.RenovationCase, Operations.ReadPersonal)
            .WithSummary("The district's cases as CSV (ID and phone masked, no coordinates); the export is written to the audit log.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv").ProducesValidationProblem();
        households.MapGet("map", Map).WithName("GetRenovationMap").RequireAccess(ResourceKinds.RenovationCase, Operations.ReadPersonal)
            .WithSummary("Private GeoJSON of the district's cases for the planner's map; the read is written to the audit log.")
            .Produces(StatusCodes.Status200OK, contentType: RawJsonResult.GeoJson).ProducesValidationProblem();
        households.MapGet("priority", Priority).WithName("GetRenovationPriority").RequireAccess(ResourceKinds.RenovationCase, Operations.ReadPersonal)
            .WithSummary("Waiting households of a district by priority score, term by term.").Produces<PriorityList>().ProducesValidationProblem();
        households.MapGet("planning", Planning).WithName("GetRenovationPlanning").RequireAccess(ResourceKinds.RenovationPlan, Operations.Read)
            .WithSummary("Per district: plan targets, accepted, pipeline, forecast at the current pace with a warning for binding targets that will be missed; budget per year.")
            .Produces<PlanningResponse>().ProducesValidationProblem();
        households.MapGet("settings/{district}", GetSettings).WithName("GetRenovationSettings").RequireAccess(ResourceKinds.RenovationPlan, Operations.Read)
            .WithSummary("A district's priority weights and eligible households.").Produces<RenovationSettingsResponse>();
        group.MapPut("settings/{district}", PutSettings).WithName("UpdateRenovationSettings").RequireAccess(ResourceKinds.RenovationPlan, Operations.Update)
            .WithSummary("Sets a district's priority weights and eligible households (district administrators).")
            .Accepts<RenovationSettingsRequest>("application/json").Produces<RenovationSettingsResponse>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPut("budgets/{district}/{year:int}", PutBudget).WithName("UpdateRenovationBudget").RequireAccess(ResourceKinds.RenovationPlan, Operations.Update)
            .WithSummary("Sets the budget allocated to renovations in a district for a year (district administrators).")
            .Accepts<BudgetRequest>("application/json").Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    /// <summary>
    /// Whether <paramref name="user"/> may see the households of <paramref name="districtCode"/>: a planner or
    /// district administrator whose districts include it. System administrators see households only through
    /// aggregates, as the public does.
    /// </summary>
    public static bool MaySeeHouseholds(ClaimsPrincipal user, string districtCode) =>
        AccessRules.Allows(user, Operations.ReadPersonal.Name, RegistryResource.In(ResourceKinds.RenovationCase, districtCode));

    private static WorkflowResponse Workflow() => new(RenovationWorkflow.All, RenovationWorkflow.Transitions);

    private static RenovationCatalogFile Items(RenovationItemCatalog catalog) => catalog.File_;

    private static IResult Suggestions(string? barriers, string? category, RenovationItemCatalog catalog)
    {
        var errors = new FieldErrors();
        var list = (barriers ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var b in list.Where(b => !catalog.IsBarrier(b)))
        {
            errors.Add("barriers", "Unknown barrier '" + b + "'.");
        }

        if (category is null || !catalog.IsCategory(category))
        {
            errors.Add("category", "Required: a disability category of /api/v1/renovations/items.");
        }

        return errors.IsEmpty ? TypedResults.Ok(catalog.Suggest(list, category!)) : errors.ToResult(StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> Statistics(string? district, HttpContext http, RegistryDbContext db, CancellationToken ct)
    {
        string prefix = "";
        if (district is not null)
        {
            if (!DistrictCodes.TryNormalize(district, out var code) || code.Length != 6)
            {
                return JsonBody.Invalid(StatusCodes.Status400BadRequest, "district", "Expected a province, prefecture or county code (GB/T 2260).");
            }

            prefix = DistrictScope.Prefix(code);
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        // With an API key, only the counties of its districts (suppression is per county, so leaving out whole counties changes nothing).
        var rows = await RenovationSql.CountsAsync(connection, prefix, ct, ReadScope.For(http, ResourceKinds.Coverage, Operations.Read));
        // A county with fewer than 5 households in all is left out, as one without any: a few cannot be told from none.
        var districts = rows.GroupBy(r => r.District, StringComparer.Ordinal)
            .Select(g => (District: g.Key, Table: SuppressedTable.Published(g.Select(r => (r.Status, r.Year, r.Count)))))
            .Where(d => d.Table is not null).Select(d =>
        {
            var table = d.Table!;
            return new DistrictStatistics(
                d.District,
                table.Keys.Select(k => Cell(k.Status, k.Year, table.Cell(k.Status, k.Year))).ToList(),
                table.Years.Select(y => Cell(null, y, table.YearTotal(y))).ToList(),
                table.Statuses.Select(s => Cell(s, null, table.StatusTotal(s))).ToList(),
                Cell(null, null, table.GrandTotal));
        }).ToList();
        return TypedResults.Ok(new RenovationStatistics(
            SuppressedTable.Threshold,
            "Households of people with severe disabilities by the status their renovation reached and the year it reached it. "
            + "A count below 5 is not shown (count null, suppressed true), and further cells or totals are hidden where the shown ones would reveal it "
            + "or reveal a sum below 5. A cell that is not listed is zero; a county with fewer than 5 households in all is not listed.",
            districts));

        static StatisticsCell Cell(string? status, int? year, int? count) => new(status, year, count, count is null);
    }

    private static async Task<IResult> List(
        HttpContext http, string? district, string? status, int? limit, int? offset, RegistryDbContext db, PersonalDataProtector protector, CancellationToken ct)
    {
        var (scope, prefix) = await ScopeAsync(http, district, Operations.ReadPersonal, ResourceKinds.RenovationCase);
        if (scope is not null)
        {
            return scope;
        }

        if (status is not null && !RenovationWorkflow.IsStatus(status))
        {
            return JsonBody.Invalid(StatusCodes.Status400BadRequest, "status", "Unknown status; see /api/v1/renovations/workflow.");
        }

        var take = Math.Clamp(limit ?? 100, 1, 1000);
        var query = db.RenovationCases.AsNoTracking().Where(c => c.DistrictCode.StartsWith(prefix) && (status == null || c.Status == status));
        var total = await query.CountAsync(ct);
        var cases = await query.OrderBy(c => c.Id).Skip(Math.Max(0, offset ?? 0)).Take(take).ToListAsync(ct);
        return TypedResults.Ok(new RenovationCaseList(cases.Select(c => Summary(c, protector)).ToList(), total));
    }

    private static async Task<IResult> Get(long id, HttpContext http, RegistryDbContext db, PersonalDataProtector protector, RenovationItemCatalog catalog, AuditLog audit, CancellationToken ct)
    {
        var c = await db.RenovationCases.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !await http.MayAsync(Operations.ReadPersonal, RegistryResource.In(ResourceKinds.RenovationCase, c.DistrictCode)))
        {
            // Not found, whether it does not exist or lies outside the caller's districts: no household's existence leaks.
            return WriteResults.NotFound(id);
        }

        audit.Record(http, ReadAction, AuditEntityType, WriteResults.Id(id), null, new JsonObject { ["read"] = "detail", ["districtCode"] = c.DistrictCode });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await DetailAsync(c, http.User, db, protector, catalog, ct));
    }

    private static async Task<IResult> Create(
        HttpContext http, RegistryDbContext db, PersonalDataProtector protector, RenovationItemCatalog catalog, PhotoStore photos, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RenovationCaseRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var today = Today(clock);
        var errors = new FieldErrors();
        var input = await ValidateAsync(request, null, db, catalog, photos, today, errors, ct);
        if (input is null)
        {
            return errors.ToResult();
        }

        if (await http.AuthorizeAsync(Operations.Create, RegistryResource.In(ResourceKinds.RenovationCase, input.DistrictCode)) is { } denied)
        {
            return denied;
        }

        var hash = protector.Hash(input.IdNumber!);
        if (await DuplicateAsync(db, hash, null, ct) is { } other)
        {
            return Duplicate(http.User, other);
        }

        var now = clock.GetUtcNow();
        var c = new RenovationCase
        {
            DistrictCode = input.DistrictCode,
            Status = RenovationWorkflow.Identified,
            StatusChangedAt = now,
            PersonName = input.PersonName,
            IdNumberCipher = protector.Encrypt(input.IdNumber!, IdField),
            IdNumberHash = hash,
            DisabilityCategory = input.Request.DisabilityCategory!,
            Eligibility = input.Request.Eligibility!,
            Address = input.Address,
            Location = input.Location,
            IdentifiedOn = input.Request.IdentifiedOn ?? today,
            Source = Text.Clean(input.Request.Source) ?? "manual",
            CreatedAt = now,
        };
        input.ApplyTo(c, protector, now);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.RenovationCases.Add(c);
        await db.SaveChangesAsync(ct);
        AddEvent(db, http, c.Id, null, RenovationWorkflow.Identified, RoleOf(http.User, [Roles.Planner, Roles.DistrictAdmin]), null, now);
        audit.Record(http, AuditActions.Create, AuditEntityType, WriteResults.Id(c.Id), null, AuditSnapshot(c, protector));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created("/api/v1/renovations/cases/" + WriteResults.Id(c.Id), await DetailAsync(c, http.User, db, protector, catalog, ct));
    }

    private static async Task<IResult> Update(
        long id, HttpContext http, RegistryDbContext db, PersonalDataProtector protector, RenovationItemCatalog catalog, PhotoStore photos, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        if (!ETags.TryReadIfMatch(http.Request, out var ifMatch))
        {
            return JsonBody.Invalid(StatusCodes.Status400BadRequest, "If-Match", "Expected the ETag read, e.g. \"123\".");
        }

        var body = await JsonBody.ReadAsync<RenovationCaseRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var c = await db.RenovationCases.SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !await http.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.RenovationCase, c.DistrictCode)))
        {
            return WriteResults.NotFound(id);
        }

        var expected = ifMatch ?? request.Version;
        if (expected is null)
        {
            return JsonBody.Invalid(StatusCodes.Status428PreconditionRequired, "version", "Send the version you read, as If-Match or version.");
        }

        var errors = new FieldErrors();
        var input = await ValidateAsync(request, c, db, catalog, photos, Today(clock), errors, ct);
        if (input is null)
        {
            return errors.ToResult();
        }

        if (await http.AuthorizeAsync(Operations.Update, RegistryResource.In(ResourceKinds.RenovationCase, input.DistrictCode)) is { } denied)
        {
            return denied;
        }

        if (input.IdNumber is not null)
        {
            var hash = protector.Hash(input.IdNumber);
            if (await DuplicateAsync(db, hash, id, ct) is { } other)
            {
                return Duplicate(http.User, other);
            }

            c.IdNumberHash = hash;
            c.IdNumberCipher = protector.Encrypt(input.IdNumber, IdField);
        }

        if (c.Version != expected)
        {
            return Stale(c.Version);
        }

        var before = AuditSnapshot(c, protector);
        c.DistrictCode = input.DistrictCode;
        c.PersonName = input.PersonName;
        c.DisabilityCategory = request.DisabilityCategory!;
        c.Eligibility = request.Eligibility!;
        c.Address = input.Address;
        c.Location = input.Location;
        c.IdentifiedOn = request.IdentifiedOn ?? c.IdentifiedOn;
        input.ApplyTo(c, protector, clock.GetUtcNow());
        audit.Record(http, AuditActions.Update, AuditEntityType, WriteResults.Id(id), before, AuditSnapshot(c, protector));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Stale(null);
        }

        return TypedResults.Ok(await DetailAsync(c, http.User, db, protector, catalog, ct));
    }

    private static async Task<IResult> Transition(
        long id, HttpContext http, RegistryDbContext db, PersonalDataProtector protector, RenovationItemCatalog catalog, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<TransitionRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var c = await db.RenovationCases.SingleOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !await http.MayAsync(Operations.Update, RegistryResource.In(ResourceKinds.RenovationCase, c.DistrictCode)))
        {
            return WriteResults.NotFound(id);
        }

        var errors = new FieldErrors();
        if (!RenovationWorkflow.IsStatus(request.To))
        {
            return errors.Add("to", "Required: one of " + string.Join(", ", RenovationWorkflow.All) + ".").ToResult();
        }

        var step = RenovationWorkflow.Find(c.Status, request.To!);
        if (step is null)
        {
            var next = RenovationWorkflow.From(c.Status).Select(t => t.To).ToList();
            return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["to"] = [$"A case in status {c.Status} cannot go to {request.To}; "
                    + (next.Count == 0 ? "it is closed." : "next: " + string.Join(", ", next) + ".")],
            })
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Step out of order",
                Extensions = { ["currentStatus"] = c.Status, ["allowed"] = next },
            });
        }

        var role = step.Roles.FirstOrDefault(http.User.IsInRole);
        if (role is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Not your step",
                detail: $"Moving a case from {step.From} to {step.To} is for: {string.Join(", ", step.Roles)}.",
                extensions: new Dictionary<string, object?> { ["roles"] = step.Roles });
        }

        var before = AuditSnapshot(c, protector);
        var reason = Text.Clean(request.Reason);
        Text.Optional(errors, "reason", reason, 1000);
        if (step.ReasonRequired && reason is null)
        {
            errors.Add("reason", $"Give the reason the case is {step.To}.");
        }

        var now = clock.GetUtcNow();
        switch (step.To)
        {
            case RenovationWorkflow.Assessed when c.Barriers.Count == 0:
                errors.Add("barriers", "Record the barriers the assessment found (update the case) before marking it assessed.");
                break;
            case RenovationWorkflow.Contracted:
                var contractor = Text.Clean(request.Contractor) ?? c.Contractor;
                Text.Optional(errors, "contractor", contractor, 200);
                if (contractor is null)
                {
                    errors.Add("contractor", "Name the contractor.");
                }

                c.Contractor = contractor;
                c.ContractedAt = now;
                break;
            case RenovationWorkflow.Completed:
                var final = request.FinalCost ?? c.FinalCost;
                if (final is null)
                {
                    errors.Add("finalCost", "Give the final cost of the works.");
                }
                else if (final < 0)
                {
                    errors.Add("finalCost", "A cost cannot be below zero.");
                }

                c.FinalCost = final;
                c.CompletedAt = now;
                break;
            case RenovationWorkflow.Accepted:
                Text.Optional(errors, "acceptanceNote", request.AcceptanceNote, 1000);
                c.AcceptanceNote = Text.Clean(request.AcceptanceNote) ?? c.AcceptanceNote;
                c.AcceptedAt = now;
                break;
            case RenovationWorkflow.FollowedUp:
                if (request.Satisfaction is not (>= 1 and <= 5))
                {
                    errors.Add("satisfaction", "Required: satisfaction from 1 to 5.");
                }

                Text.Optional(errors, "satisfactionComment", request.SatisfactionComment, 1000);
                c.Satisfaction = (short?)request.Satisfaction;
                c.SatisfactionComment = Text.Clean(request.SatisfactionComment);
                break;
            case RenovationWorkflow.Approved:
                c.ApprovedAt = now;
                break;
            case RenovationWorkflow.Rejected or RenovationWorkflow.Withdrawn:
                c.ClosingReason = reason;
                break;
        }

        if (!errors.IsEmpty)
        {
            db.ChangeTracker.Clear();
            return errors.ToResult();
        }

        c.Status = step.To;
        c.StatusChangedAt = now;
        c.UpdatedAt = now;
        AddEvent(db, http, c.Id, step.From, step.To, role, reason, now);
        audit.Record(http, AuditActions.Update, AuditEntityType, WriteResults.Id(id), before, AuditSnapshot(c, protector));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Stale(null);
        }

        return TypedResults.Ok(await DetailAsync(c, http.User, db, protector, catalog, ct));
    }

    private static async Task<IResult> Export(HttpContext http, string? district, string? status, RegistryDbContext db, PersonalDataProtector protector, AuditLog audit, CancellationToken ct)
    {
        var (scope, prefix) = await ScopeAsync(http, district, Operations.ReadPersonal, ResourceKinds.RenovationCase);
        if (scope is not null)
        {
            return scope;
        }

        if (status is not null && !RenovationWorkflow.IsStatus(status))
        {
            return JsonBody.Invalid(StatusCodes.Status400BadRequest, "status", "Unknown status; see /api/v1/renovations/workflow.");
        }

        var cases = await db.RenovationCases.AsNoTracking()
            .Where(c => c.DistrictCode.StartsWith(prefix) && (status == null || c.Status == status)).OrderBy(c => c.Id).ToListAsync(ct);
        var csv = new StringBuilder();
        csv.Append('\uFEFF'); // so that spreadsheet programs read UTF-8
        csv.AppendLine("id,district_code,township_code,status,status_changed_at,person_name,id_number_last4,phone_last4,disability_category,disability_grade,eligibility,lives_alone,address,identified_on,barriers,items,cost_estimate,subsidy,own_contribution,final_cost,contractor,approved_at,contracted_at,completed_at,accepted_at,satisfaction,closing_reason,source");
        foreach (var c in cases)
        {
            var s = Summary(c, protector);
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
            csv.AppendLine(string.Join(',', fields.Select(CsvField)));
        }

        audit.Record(http, ExportAction, AuditEntityType, district!, null, new JsonObject
        {
            ["format"] = "csv",
            ["districtCode"] = district,
            ["status"] = status,
            ["rows"] = cases.Count,
        });
        await db.SaveChangesAsync(ct);
        var name = FormattableString.Invariant($"renovations-{district}-{DateTime.UtcNow:yyyyMMdd}.csv");
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", name);

        static string Iso(DateTimeOffset? t) => t?.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture) ?? "";
        static string Money(decimal? m) => m?.ToString("0.00", CultureInfo.InvariantCulture) ?? "";
    }

    /// <summary>
    /// One CSV field (RFC 4180), defused against formula injection: a value a spreadsheet would run as a
    /// formula (starting with = + - @, tab or CR) gets a leading apostrophe.
    /// </summary>
    internal static string CsvField(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static async Task<IResult> Map(HttpContext http, string? district, string? status, RegistryDbContext db, AuditLog audit, CancellationToken ct)
    {
        var (scope, prefix) = await ScopeAsync(http, district, Operations.ReadPersonal, ResourceKinds.RenovationCase);
        if (scope is not null)
        {
            return scope;
        }

        if (status is not null && !RenovationWorkflow.IsStatus(status))
        {
            return JsonBody.Invalid(StatusCodes.Status400BadRequest, "status", "Unknown status; see /api/v1/renovations/workflow.");
        }

        var connection = await WriteResults.OpenAsync(db, ct);
        var (json, count) = await RenovationSql.MapAsync(connection, prefix, status, ct);
        audit.Record(http, ReadAction, AuditEntityType, district!, null, new JsonObject
        {
            ["read"] = "map",
            ["districtCode"] = district,
            ["status"] = status,
            ["rows"] = count,
        });
        await db.SaveChangesAsync(ct);
        http.Response.Headers.CacheControl = "no-store";
        return new RawJsonResult(json);
    }

    private static async Task<IResult> Priority(HttpContext http, string? district, DateOnly? asOf, RegistryDbContext db, PersonalDataProtector protector, TimeProvider clock, CancellationToken ct)
    {
        var (scope, prefix) = await ScopeAsync(http, district, Operations.ReadPersonal, ResourceKinds.RenovationCase);
        if (scope is not null)
        {
            return scope;
        }

        var code = DistrictCodes.Normalize(district!);
        var today = asOf ?? Today(clock);
        var weights = PriorityScore.Weights(await StoredWeightsAsync(db, code, ct));
        var waiting = await db.RenovationCases.AsNoTracking()
            .Where(c => c.DistrictCode.StartsWith(prefix) && (c.Status == RenovationWorkflow.Identified || c.Status == RenovationWorkflow.Assessed))
            .ToListAsync(ct);
        var entries = waiting.Select(c =>
        {
            var terms = PriorityScore.Score(c, weights, today);
            return new PriorityEntry(c.Id, c.PersonName, Summary(c, protector).IdNumberMasked, c.Status, c.TownshipCode, terms.Sum(t => t.Points), terms);
        }).OrderByDescending(e => e.Score).ThenBy(e => e.Id).ToList();
        return TypedResults.Ok(new PriorityList(code, today, weights, entries));
    }

    private static async Task<IResult> Planning(HttpContext http, string? district, int? year, DateOnly? asOf, RegistryDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (scope, prefix) = await ScopeAsync(http, district, Operations.Read, ResourceKinds.RenovationPlan);
        if (scope is not null)
        {
            return scope;
        }

        var code = DistrictCodes.Normalize(district!);
        var day = asOf ?? Today(clock);
        var targets = await db.PlanTargets.AsNoTracking()
            .Where(t => t.DistrictCode == code && t.Indicator.StartsWith("household_renovation"))
            .Where(t => year == null || (t.PeriodStart <= year && t.PeriodEnd >= year))
            .OrderBy(t => t.Id).ToListAsync(ct);
        var settings = await db.RenovationDistrictSettings.AsNoTracking().SingleOrDefaultAsync(s => s.DistrictCode == code, ct);
        var connection = await WriteResults.OpenAsync(db, ct);
        var progress = new List<TargetProgress>();
        foreach (var t in targets)
        {
            var to = new DateOnly(t.PeriodEnd, 12, 31);
            var (accepted, pipeline, registered) = await RenovationSql.TargetFiguresAsync(
                connection, prefix, new DateOnly(t.PeriodStart, 1, 1), day < to ? day : to, ct);
            progress.Add(RenovationPlanning.Progress(t, accepted, pipeline, settings?.EligibleHouseholds ?? registered, day));
        }

        var first = year ?? (targets.Count > 0 ? targets.Min(t => t.PeriodStart) : day.Year);
        var last = year ?? (targets.Count > 0 ? targets.Max(t => t.PeriodEnd) : day.Year);
        var years = await RenovationSql.YearFiguresAsync(connection, prefix, first, last, ct);
        var byStatus = await db.RenovationCases.AsNoTracking().Where(c => c.DistrictCode.StartsWith(prefix))
            .GroupBy(c => c.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return TypedResults.Ok(new PlanningResponse(code, day, progress, years, byStatus));
    }

    private static async Task<IResult> GetSettings(string district, HttpContext http, RegistryDbContext db, CancellationToken ct)
    {
        var (scope, _) = await ScopeAsync(http, district, Operations.Read, ResourceKinds.RenovationPlan);
        if (scope is not null)
        {
            return scope;
        }

        var code = DistrictCodes.Normalize(district);
        var s = await db.RenovationDistrictSettings.AsNoTracking().SingleOrDefaultAsync(x => x.DistrictCode == code, ct);
        return TypedResults.Ok(new RenovationSettingsResponse(code, PriorityScore.Weights(s?.Weights), s?.EligibleHouseholds, s?.Version ?? 0));
    }

    private static async Task<IResult> PutSettings(string district, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var (scope, _) = await ScopeAsync(http, district, Operations.Update, ResourceKinds.RenovationPlan);
        if (scope is not null)
        {
            return scope;
        }

        var body = await JsonBody.ReadAsync<RenovationSettingsRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var code = DistrictCodes.Normalize(district);
        var errors = new FieldErrors();
        var weights = new JsonObject();
        foreach (var (term, weight) in request.Weights ?? [])
        {
            if (!PriorityScore.Terms.Contains(term, StringComparer.Ordinal))
            {
                errors.Add("weights." + term, "Unknown term; expected " + string.Join(", ", PriorityScore.Terms) + ".");
            }
            else if (weight is < 0 or > 1000)
            {
                errors.Add("weights." + term, "A weight is between 0 and 1000.");
            }
            else
            {
                weights[term] = weight;
            }
        }

        if (request.EligibleHouseholds is < 0)
        {
            errors.Add("eligibleHouseholds", "Zero or more.");
        }

        if (!await db.Districts.AnyAsync(d => d.Code == code, ct))
        {
            errors.Add("district", "No district has the code " + code + ".");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToResult();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await WriteLocks.LockAsync(db, "renovation_settings:" + code, ct);
        var s = await db.RenovationDistrictSettings.SingleOrDefaultAsync(x => x.DistrictCode == code, ct);
        var before = s is null ? null : new JsonObject { ["weights"] = s.Weights.DeepClone(), ["eligibleHouseholds"] = s.EligibleHouseholds };
        if (s is null)
        {
            s = new RenovationDistrictSettings { DistrictCode = code };
            db.RenovationDistrictSettings.Add(s);
        }

        s.Weights = weights;
        s.EligibleHouseholds = request.EligibleHouseholds;
        s.UpdatedAt = clock.GetUtcNow();
        audit.Record(http, before is null ? AuditActions.Create : AuditActions.Update, "renovation_settings", code, before,
            new JsonObject { ["weights"] = weights.DeepClone(), ["eligibleHouseholds"] = request.EligibleHouseholds });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new RenovationSettingsResponse(code, PriorityScore.Weights(s.Weights), s.EligibleHouseholds, s.Version));
    }

    private const decimal MaxAllocated = 999_999_999_999.99m;

    private static async Task<IResult> PutBudget(string district, int year, HttpContext http, RegistryDbContext db, AuditLog audit, TimeProvider clock, CancellationToken ct)
    {
        var (scope, _) = await ScopeAsync(http, district, Operations.Update, ResourceKinds.RenovationPlan);
        if (scope is not null)
        {
            return scope;
        }

        var body = await JsonBody.ReadAsync<BudgetRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var code = DistrictCodes.Normalize(district);
        var errors = new FieldErrors();
        if (request.Allocated is not { } allocated || allocated < 0)
        {
            errors.Add("allocated", "Required: the amount allocated in yuan, zero or more.");
        }
        else if (allocated > MaxAllocated)
        {
            // The column is numeric(14, 2).
            errors.Add("allocated", "At most 999999999999.99 yuan.");
        }

        if (year is < 2000 or > 2100)
        {
            errors.Add("year", "A year from 2000 to 2100.");
        }

        if (!await db.Districts.AnyAsync(d => d.Code == code, ct))
        {
            errors.Add("district", "No district has the code " + code + ".");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToResult();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await WriteLocks.LockAsync(db, "renovation_budget:" + code + "/" + year.ToString(CultureInfo.InvariantCulture), ct);
        var b = await db.RenovationBudgets.SingleOrDefaultAsync(x => x.DistrictCode == code && x.Year == year, ct);
        var before = b is null ? null : new JsonObject { ["allocated"] = b.Allocated };
        if (b is null)
        {
            b = new RenovationBudget { DistrictCode = code, Year = year };
            db.RenovationBudgets.Add(b);
        }

        b.Allocated = request.Allocated!.Value;
        b.UpdatedAt = clock.GetUtcNow();
        audit.Record(http, before is null ? AuditActions.Create : AuditActions.Update, "renovation_budget",
            code + "/" + year.ToString(CultureInfo.InvariantCulture), before, new JsonObject { ["allocated"] = b.Allocated });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>
    /// Checks the <c>district</c> parameter of a household read or plan change: required, well-formed, and admitted by the
    /// rule table for <paramref name="operation"/> on <paramref name="kind"/> there; the district's code prefix.
    /// </summary>
    private static async Task<(IResult? Refusal, string Prefix)> ScopeAsync(
        HttpContext http, string? district, OperationAuthorizationRequirement operation, string kind)
    {
        if (!DistrictCodes.TryNormalize(district, out var code) || code.Length != 6)
        {
            return (JsonBody.Invalid(StatusCodes.Status400BadRequest, "district", "Required: a county, prefecture or province code (GB/T 2260)."), "");
        }

        return await http.AuthorizeAsync(operation, RegistryResource.In(kind, code)) is { } refused ? (refused, "") : (null, DistrictScope.Prefix(code));
    }

    private static DateOnly Today(TimeProvider clock) =>
        DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    private static string RoleOf(ClaimsPrincipal user, IEnumerable<string> roles) => roles.FirstOrDefault(user.IsInRole) ?? "";

    private static void AddEvent(RegistryDbContext db, HttpContext http, long caseId, string? from, string to, string role, string? note, DateTimeOffset at) =>
        db.RenovationCaseEvents.Add(new RenovationCaseEvent
        {
            CaseId = caseId,
            FromStatus = from,
            ToStatus = to,
            At = at,
            UserId = UserPrincipal.UserId(http.User),
            Actor = http.User.Identity?.Name ?? "anonymous",
            Role = role,
            Note = note,
        });

    private static async Task<RenovationCase?> DuplicateAsync(RegistryDbContext db, byte[] hash, long? except, CancellationToken ct) =>
        await db.RenovationCases.AsNoTracking()
            .Where(c => c.IdNumberHash == hash && c.Id != (except ?? 0) && c.Status != RenovationWorkflow.Rejected && c.Status != RenovationWorkflow.Withdrawn)
            .OrderBy(c => c.Id).FirstOrDefaultAsync(ct);

    private static IResult Duplicate(ClaimsPrincipal user, RenovationCase other) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            ["idNumber"] = [MaySeeHouseholds(user, other.DistrictCode)
                ? "An open case for this ID number exists already: case " + WriteResults.Id(other.Id) + "."
                : "An open case for this ID number exists already in another district."],
        })
        { Status = StatusCodes.Status409Conflict, Title = "Duplicate household" });

    private static IResult Stale(uint? current) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict, title: "Stale version",
        detail: "The case changed since you read it; re-read it and apply your change again.",
        extensions: new Dictionary<string, object?> { ["currentVersion"] = current });

    private static async Task<JsonObject?> StoredWeightsAsync(RegistryDbContext db, string code, CancellationToken ct) =>
        (await db.RenovationDistrictSettings.AsNoTracking().SingleOrDefaultAsync(s => s.DistrictCode == code, ct))?.Weights;

    private static RenovationCaseSummary Summary(RenovationCase c, PersonalDataProtector protector) => new(
        c.Id, c.DistrictCode, c.TownshipCode, c.Status, c.StatusChangedAt, c.PersonName,
        PersonalDataProtector.Mask(protector.Decrypt(c.IdNumberCipher, IdField)),
        c.PhoneCipher is null ? "" : PersonalDataProtector.Mask(protector.Decrypt(c.PhoneCipher, PhoneField)),
        c.DisabilityCategory, c.DisabilityGrade, c.Eligibility, c.IdentifiedOn, c.CostEstimate, c.Subsidy, c.Source);

    /// <summary>What the audit log keeps of a case: no ID number, phone, name or location, only masked forms and the rest.</summary>
    private static JsonObject AuditSnapshot(RenovationCase c, PersonalDataProtector protector)
    {
        var s = Summary(c, protector);
        return new JsonObject
        {
            ["districtCode"] = c.DistrictCode,
            ["townshipCode"] = c.TownshipCode,
            ["status"] = c.Status,
            ["idNumberMasked"] = s.IdNumberMasked,
            ["phoneMasked"] = s.PhoneMasked,
            ["disabilityCategory"] = c.DisabilityCategory,
            ["disabilityGrade"] = (int)c.DisabilityGrade,
            ["eligibility"] = c.Eligibility,
            ["barriers"] = new JsonArray(c.Barriers.Select(b => (JsonNode?)JsonValue.Create(b)).ToArray()),
            ["items"] = c.Items.DeepClone(),
            ["costEstimate"] = c.CostEstimate,
            ["subsidy"] = c.Subsidy,
            ["ownContribution"] = c.OwnContribution,
            ["finalCost"] = c.FinalCost,
            ["contractor"] = c.Contractor,
            ["satisfaction"] = c.Satisfaction,
            ["closingReason"] = c.ClosingReason,
        };
    }

    private static async Task<RenovationCaseDetail> DetailAsync(
        RenovationCase c, ClaimsPrincipal user, RegistryDbContext db, PersonalDataProtector protector, RenovationItemCatalog catalog, CancellationToken ct)
    {
        var events = await db.RenovationCaseEvents.AsNoTracking().Where(e => e.CaseId == c.Id).OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new RenovationEventResponse(e.FromStatus, e.ToStatus, e.At, e.Actor, e.Role, e.Note)).ToListAsync(ct);
        return new RenovationCaseDetail
        {
            Id = c.Id,
            DistrictCode = c.DistrictCode,
            TownshipCode = c.TownshipCode,
            Status = c.Status,
            StatusChangedAt = c.StatusChangedAt,
            PersonName = c.PersonName,
            IdNumber = protector.Decrypt(c.IdNumberCipher, IdField),
            Phone = c.PhoneCipher is null ? null : protector.Decrypt(c.PhoneCipher, PhoneField),
            BirthYear = c.BirthYear,
            DisabilityCategory = c.DisabilityCategory,
            DisabilityGrade = c.DisabilityGrade,
            MobilityAids = c.MobilityAids,
            Eligibility = c.Eligibility,
            LivesAlone = c.LivesAlone,
            Address = c.Address,
            Location = [c.Location.X, c.Location.Y],
            Barriers = c.Barriers,
            AssessmentNote = c.AssessmentNote,
            Items = (JsonArray)c.Items.DeepClone(),
            SuggestedItems = catalog.Suggest(c.Barriers, c.DisabilityCategory),
            CostEstimate = c.CostEstimate,
            Subsidy = c.Subsidy,
            OwnContribution = c.OwnContribution,
            FinalCost = c.FinalCost,
            Contractor = c.Contractor,
            PhotosBefore = c.PhotosBefore,
            PhotosAfter = c.PhotosAfter,
            AcceptanceNote = c.AcceptanceNote,
            Satisfaction = c.Satisfaction,
            SatisfactionComment = c.SatisfactionComment,
            ClosingReason = c.ClosingReason,
            IdentifiedOn = c.IdentifiedOn,
            ApprovedAt = c.ApprovedAt,
            ContractedAt = c.ContractedAt,
            CompletedAt = c.CompletedAt,
            AcceptedAt = c.AcceptedAt,
            Source = c.Source,
            Version = c.Version,
            Events = events,
            NextSteps = RenovationWorkflow.From(c.Status).Where(t => t.Roles.Any(user.IsInRole)).Select(t => t.To).ToList(),
        };
    }

    private static readonly string[] Eligibilities = ["dibao", "extreme_poverty", "low_income", "other"];

    /// <summary>Checks a case body; null with <paramref name="errors"/> filled when it is not acceptable. Nothing is stored on error.</summary>
    private static async Task<CaseInput?> ValidateAsync(
        RenovationCaseRequest r, RenovationCase? existing, RegistryDbContext db, RenovationItemCatalog catalog, PhotoStore photos, DateOnly today,
        FieldErrors errors, CancellationToken ct)
    {
        var name = Text.Clean(r.PersonName);
        Text.Require(errors, "personName", name, 100);
        var address = Text.Clean(r.Address);
        Text.Require(errors, "address", address, 300);

        string? id = null;
        var birthYear = existing?.BirthYear ?? 0;
        if (r.IdNumber is null && existing is null)
        {
            errors.Add("idNumber", "Required: the ID number (GB 11643, 18 characters).");
        }
        else if (r.IdNumber is not null)
        {
            id = ChineseIdNumber.Normalise(r.IdNumber);
            if (ChineseIdNumber.Problem(id, today, out var birth) is { } problem)
            {
                errors.Add("idNumber", problem);
            }
            else
            {
                birthYear = birth.Year;
            }
        }

        string? phone = null;
        if (!string.IsNullOrWhiteSpace(r.Phone))
        {
            phone = r.Phone.Trim().Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            if (phone.Length is < 7 or > 15 || !phone.TrimStart('+').All(char.IsAsciiDigit))
            {
                errors.Add("phone", "A phone number has 7 to 15 digits.");
            }
        }

        if (r.DisabilityCategory is null || !catalog.IsCategory(r.DisabilityCategory))
        {
            errors.Add("disabilityCategory", "Required: " + string.Join(", ", catalog.File_.DisabilityCategories.Select(c => c.Code)) + ".");
        }

        if (r.DisabilityGrade is not (1 or 2))
        {
            errors.Add("disabilityGrade", "Only severe disability is eligible: grade 1 (一级) or 2 (二级).");
        }

        if (r.Eligibility is null || !Eligibilities.Contains(r.Eligibility, StringComparer.Ordinal))
        {
            errors.Add("eligibility", "Required: " + string.Join(", ", Eligibilities) + ".");
        }

        if (r.IdentifiedOn is { } identified && (identified > today || identified.Year < 2000))
        {
            errors.Add("identifiedOn", "A date from 2000 up to today.");
        }

        foreach (var (b, i) in (r.Barriers ?? []).Select((b, i) => (b, i)))
        {
            if (!catalog.IsBarrier(b))
            {
                errors.Add(FormattableString.Invariant($"barriers[{i}]"), "Unknown barrier '" + b + "'; see /api/v1/renovations/items.");
            }
        }

        foreach (var (a, i) in (r.MobilityAids ?? []).Select((a, i) => (a, i)))
        {
            if (string.IsNullOrWhiteSpace(a) || a.Length > 40)
            {
                errors.Add(FormattableString.Invariant($"mobilityAids[{i}]"), "A short name (up to 40 characters).");
            }
        }

        var items = new JsonArray();
        foreach (var (item, i) in (r.Items ?? []).Select((x, i) => (x, i)))
        {
            var field = FormattableString.Invariant($"items[{i}]");
            var known = item.Code is null ? null : catalog.Item(item.Code);
            if (known is null)
            {
                errors.Add(field + ".code", "Unknown item; see /api/v1/renovations/items.");
                continue;
            }

            if (item.Quantity is { } q && q is < 1 or > 1000)
            {
                errors.Add(field + ".quantity", "From 1 to 1000.");
            }

            if (item.UnitCost is < 0)
            {
                errors.Add(field + ".unitCost", "A cost cannot be below zero.");
            }

            items.Add(new JsonObject { ["code"] = known.Code, ["quantity"] = item.Quantity ?? 1, ["unitCost"] = item.UnitCost ?? known.UnitCost });
        }

        foreach (var (field, value) in new[] { ("costEstimate", r.CostEstimate), ("subsidy", r.Subsidy), ("ownContribution", r.OwnContribution), ("finalCost", r.FinalCost) })
        {
            if (value is < 0)
            {
                errors.Add(field, "A cost cannot be below zero.");
            }
            else if (value is > 10_000_000)
            {
                errors.Add(field, "Implausibly large (over 10,000,000 yuan).");
            }
        }

        Text.Optional(errors, "contractor", r.Contractor, 200);
        Text.Optional(errors, "assessmentNote", r.AssessmentNote, 2000);
        Text.Optional(errors, "acceptanceNote", r.AcceptanceNote, 1000);
        Text.Optional(errors, "source", r.Source, 40);

        foreach (var (field, ids) in new[] { ("photosBefore", r.PhotosBefore), ("photosAfter", r.PhotosAfter) })
        {
            if (ids is { Count: > 0 })
            {
                var missing = await photos.FindMissingAsync(ids, ct);
                if (missing.Count > 0)
                {
                    errors.Add(field, "No photo " + string.Join(", ", missing) + "; upload with POST /api/v1/photos first.");
                }
            }
        }

        Point? location = null;
        if (!InputCrsParser.TryParse(r.Crs, out var crs))
        {
            errors.Add("crs", "Unknown CRS '" + r.Crs + "'; expected WGS84, CGCS2000, GCJ02 or BD09.");
        }
        else
        {
            var geometry = JsonBody.ReadGeometry(r.Location, crs, "location", errors);
            if (geometry is not null and not Point)
            {
                errors.Add("location", "The location of a home is a GeoJSON Point.");
            }
            else
            {
                location = geometry as Point;
            }
        }

        string? districtCode = null;
        if (!DistrictCodes.TryNormalize(r.DistrictCode, out var claimed) || claimed.Length != 6)
        {
            errors.Add("districtCode", "Required: the county-level district code (GB/T 2260, 6 digits).");
        }
        else if (!await db.Districts.AnyAsync(d => d.Code == claimed && d.Level == DistrictLevel.County, ct))
        {
            errors.Add("districtCode", "No county-level district has the code " + claimed + ".");
        }
        else
        {
            districtCode = claimed;
        }

        if (!errors.IsEmpty)
        {
            return null;
        }

        // The location must lie inside the case's district: errors name location.
        var connection = await WriteResults.OpenAsync(db, ct);
        var place = await DistrictPlacement.PlaceAsync(connection, location!, districtCode, errors, ct, "location", "location");
        if (place is not { } p)
        {
            return null;
        }

        return new CaseInput(r, p.County, p.Township, name!, id, phone, r.Phone is null && existing is not null, birthYear, address!, location!, items);
    }

    private sealed record CaseInput(
        RenovationCaseRequest Request, string DistrictCode, string? TownshipCode, string PersonName, string? IdNumber, string? Phone, bool KeepPhone,
        int BirthYear, string Address, Point Location, JsonArray Items)
    {
        public void ApplyTo(RenovationCase c, PersonalDataProtector protector, DateTimeOffset now)
        {
            c.TownshipCode = TownshipCode;
            c.BirthYear = BirthYear;
            if (!KeepPhone)
            {
                c.PhoneCipher = Phone is null ? null : protector.Encrypt(Phone, PhoneField);
            }

            c.DisabilityGrade = (short)Request.DisabilityGrade!.Value;
            c.MobilityAids = Request.MobilityAids?.Select(a => a.Trim()).ToList() ?? [];
            c.LivesAlone = Request.LivesAlone ?? false;
            c.Barriers = Request.Barriers?.Distinct(StringComparer.Ordinal).ToList() ?? [];
            c.AssessmentNote = Text.Clean(Request.AssessmentNote);
            c.Items = Items;
            c.CostEstimate = Request.CostEstimate ?? (Items.Count > 0
                ? Items.OfType<JsonObject>().Sum(i => (decimal)i["unitCost"]! * (int)i["quantity"]!)
                : null);
            c.Subsidy = Request.Subsidy;
            c.OwnContribution = Request.OwnContribution;
            c.FinalCost = Request.FinalCost ?? c.FinalCost;
            c.Contractor = Text.Clean(Request.Contractor) ?? c.Contractor;
            c.PhotosBefore = Request.PhotosBefore?.Distinct().ToList() ?? [];
            c.PhotosAfter = Request.PhotosAfter?.Distinct().ToList() ?? [];
            c.AcceptanceNote = Text.Clean(Request.AcceptanceNote) ?? c.AcceptanceNote;
            c.UpdatedAt = now;
        }
    }
}
