using System.Globalization;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Npgsql;

namespace Accessibility.Api.Features.Patrols;

/// <summary>
/// Patrols (巡查) of the community grids: <c>/api/v1/patrols</c> (record, list, one), a grid's worklist at
/// <c>/api/v1/grids/{code}/worklist</c>, and the patrol indicator (facilities patrolled within the period ÷ facilities in the
/// grid) at <c>/api/v1/patrols/indicator</c>. Grid workers patrol, and see worklists and patrols, only in their own grids.
/// </summary>
public static class PatrolEndpoints
{
    private const string Json = "application/json";

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapPatrolEndpoints(this IEndpointRouteBuilder app)
    {
        var patrols = app.MapGroup("/api/v1/patrols").WithTags("Patrols");
        patrols.MapPost("", Record)
            .WithName("RecordPatrol").RequireAccess(ResourceKinds.Patrol, Operations.Create)
            .WithSummary("Records a patrol of a facility (in use? obstructed? damaged?); an answer of not in use, obstructed or damaged raises a defect, or names the unclosed one already tracking it. A repeated clientId with the same answers returns the stored patrol (200); with others, 409.")
            .Accepts<PatrolRequest>(Json)
            .Produces(StatusCodes.Status201Created, contentType: Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        patrols.MapGet("", List)
            .WithName("ListPatrols").RequireAccess(ResourceKinds.Patrol, Operations.ReadPersonal)
            .WithSummary("Patrols with who patrolled, newest first, filtered by grid, facility and period (since, until: dates or instants), paged; a grid worker's own grids only.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesValidationProblem();
        patrols.MapGet("{id:long}", Get)
            .WithName("GetPatrol").RequireAccess(ResourceKinds.Patrol, Operations.ReadPersonal)
            .WithSummary("One patrol with who patrolled and the defect it raised.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesProblem(StatusCodes.Status404NotFound);
        patrols.MapGet("indicator", Indicator)
            .WithName("PatrolIndicator").RequireAccess(ResourceKinds.Patrol, Operations.Read)
            .WithSummary("Facilities patrolled within the period ÷ facilities in the grid, per grid, township and district (district=); the period is from–to (dates) or, without them, each grid's own patrol interval up to now.")
            .Produces<PatrolIndicator>().ProducesValidationProblem();
        app.MapGet("/api/v1/grids/{code}/worklist", Worklist)
            .WithTags("Patrols")
            .WithName("GridWorklist").RequireAccess(ResourceKinds.Patrol, Operations.Create)
            .WithSummary("A grid's facilities ordered by when their next patrol is due (the last patrol + the grid's patrol interval): never patrolled and overdue first. A grid worker sees only its own grids.")
            .Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> Record(HttpContext http, RecordPatrol record, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PatrolRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return await (await record.RunAsync(http, request, ct)).ToResultAsync(async stored =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var json = await PatrolSql.ByIdAsync(connection, stored.Id, ct);
            return new RawJsonResult(json!, stored.Repeated ? StatusCodes.Status200OK : StatusCodes.Status201Created, Json)
            {
                Location = "/api/v1/patrols/" + Invariant(stored.Id),
            };
        });
    }

    private static async Task<IResult> List(HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var q = http.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Unknown(q, errors, "grid", "facility", "since", "until", "limit", "offset");
        string? grid = null;
        if (q["grid"].ToString() is { Length: > 0 } g)
        {
            if (IsGridCode(g))
            {
                grid = g;
            }
            else
            {
                errors["grid"] = ["Expected a 12-digit community grid code, e.g. 140881001001."];
            }
        }

        long? facility = null;
        if (q["facility"].ToString() is { Length: > 0 } f)
        {
            if (long.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                facility = id;
            }
            else
            {
                errors["facility"] = ["Expected a facility id."];
            }
        }

        var since = Instant(q["since"], "since", endOfDay: false, errors);
        var until = Instant(q["until"], "until", endOfDay: true, errors);
        var limit = Paging.ParseInt(q["limit"], "limit", 50, 1, 500, errors);
        var offset = Paging.ParseInt(q["offset"], "offset", 0, 0, int.MaxValue - 500, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var json = await PatrolSql.ListAsync(connection, new PatrolFilter(grid, facility, since, until, limit, offset),
            ReadScope.For(http, ResourceKinds.Patrol, Operations.ReadPersonal), GridsOf(http), ct);
        return new RawJsonResult(json, contentType: Json);
    }

    private static async Task<IResult> Get(long id, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await PatrolSql.PlaceAsync(connection, id, ct) is not { } place)
        {
            return WriteResults.NotFound(id);
        }

        if (await http.AuthorizeAsync(Operations.ReadPersonal, RecordPatrol.Resource(place.DistrictCode, place.GridCode)) is { } denied)
        {
            return denied;
        }

        return new RawJsonResult((await PatrolSql.ByIdAsync(connection, id, ct))!, contentType: Json);
    }

    private static async Task<IResult> Worklist(string code, HttpContext http, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Unknown(http.Request.Query, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // A grid's code names its county (its first 6 digits): who may see the worklist is decided before whether it exists.
        if (code.Length >= 6 && code.All(char.IsAsciiDigit)
            && await http.AuthorizeAsync(Operations.Create, RecordPatrol.Resource(code[..6], code)) is { } denied)
        {
            return denied;
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (!IsGridCode(code) || await PatrolSql.GridAsync(connection, code, ct) is not { } grid)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No community grid " + code + ".");
        }

        return new RawJsonResult(await PatrolSql.WorklistAsync(connection, grid, clock.GetUtcNow(), ct), contentType: Json);
    }

    private static async Task<IResult> Indicator(HttpContext http, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        var q = http.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Unknown(q, errors, "district", "from", "to");
        var district = q["district"].ToString();
        if (!DistrictCodes.TryNormalize(district, out var code) || code.Length == 12)
        {
            errors["district"] = ["Expected a GB/T 2260 district code, e.g. 140881 (a county) or 140881001 (a township)."];
        }

        var from = Date(q["from"], "from", errors);
        var to = Date(q["to"], "to", errors);
        if ((from is null) != (to is null) && !errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            errors[from is null ? "from" : "to"] = ["Give both from and to (yyyy-MM-dd), or neither for each grid's own patrol interval."];
        }
        else if (from > to)
        {
            errors["to"] = ["to must not be before from."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await PatrolSql.IndicatorAsync(connection, DistrictScope.Prefix(code), StartOfDay(from), StartOfDay(to?.AddDays(1)), clock.GetUtcNow(), ct);
        return TypedResults.Ok(PatrolIndicator.Of(code, from, to, rows));
    }

    /// <summary>The grids a grid worker's reads are limited to; null for other accounts (their districts limit them).</summary>
    internal static IReadOnlyList<string>? GridsOf(HttpContext http) =>
        AccessRules.GridBoundRoles.Any(http.User.IsInRole) ? UserPrincipal.Grids(http.User) : null;

    /// <summary>Whether <paramref name="code"/> has a grid code's form: 12 digits.</summary>
    internal static bool IsGridCode(string? code) => code is { Length: 12 } && code.All(char.IsAsciiDigit);

    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    // In UTC: the database takes instants with offset 0 only.
    private static DateTimeOffset? StartOfDay(DateOnly? day) =>
        day is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), China).ToUniversalTime() : null;

    private static DateOnly? Date(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors[field] = ["Expected a date, yyyy-MM-dd."];
        return null;
    }

    // A date is a day in China (UTC+8): since is its start, until the end of it; an instant is taken as given.
    private static DateTimeOffset? Instant(string? text, string field, bool endOfDay, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return StartOfDay(endOfDay ? day.AddDays(1) : day);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.ToUniversalTime();
        }

        errors[field] = ["Expected a date (yyyy-MM-dd) or an instant (ISO 8601)."];
        return null;
    }

    private static void Unknown(IQueryCollection query, Dictionary<string, string[]> errors, params string[] known)
    {
        foreach (var key in query.Keys.Where(k => !known.Contains(k, StringComparer.Ordinal)))
        {
            errors[key] = ["Unknown parameter" + (known.Length > 0 ? "; expected " + string.Join(", ", known) + "." : ".")];
        }
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
