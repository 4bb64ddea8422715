using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;

namespace Accessibility.Api.Features.Renovations;

/// <summary>The routes of household cases: list, detail, register, edit, workflow steps, export, map.</summary>
public static partial class RenovationEndpoints
{
    private static async Task<IResult> List(
        HttpContext http, string? district, string? status, int? limit, int? offset, ListRenovationCases cases, CancellationToken ct) =>
        (await cases.ListAsync(http, new RenovationCaseQuery(district, status, Limit: limit, Offset: offset), ct)).ToResult(TypedResults.Ok);

    private static async Task<IResult> Get(long id, HttpContext http, ReadRenovationCase read, CancellationToken ct) =>
        (await read.ReadAsync(http, id, ct)).ToResult(TypedResults.Ok);

    private static async Task<IResult> Create(HttpContext http, RegisterRenovationCase register, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RenovationCaseRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return (await register.RegisterAsync(http, request, ct))
            .ToResult(c => TypedResults.Created("/api/v1/renovations/cases/" + WriteResults.Id(c.Id), c));
    }

    private static async Task<IResult> Update(long id, HttpContext http, EditRenovationCase edit, CancellationToken ct)
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

        return (await edit.EditAsync(http, id, request, ifMatch ?? request.Version, ct)).ToResult(TypedResults.Ok);
    }

    private static async Task<IResult> Transition(long id, HttpContext http, TransitionRenovationCase transition, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<TransitionRequest>(http.Request, ct);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return (await transition.MoveAsync(http, id, request, ct)).ToResult(TypedResults.Ok);
    }

    private static async Task<IResult> Export(HttpContext http, string? district, string? status, ExportRenovationCases export, CancellationToken ct) =>
        (await export.ExportAsync(http, district, status, ct)).ToResult(file =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.File(file.Content, "text/csv; charset=utf-8", file.FileName);
        });

    private static async Task<IResult> Map(HttpContext http, string? district, string? status, MapRenovationCases map, CancellationToken ct) =>
        (await map.MapAsync(http, district, status, ct)).ToResult(json =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return new RawJsonResult(json);
        });
}
