using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Accessibility.Api.Features.Projects;

/// <summary>
/// <c>/api/v1/projects/{id}…</c>: one construction project (public view, or everything for staff of its district), its
/// registration and replacement, planned facilities, stage moves, barrier-free checks, waivers, acceptance and documents.
/// The public list (<c>GET /api/v1/projects</c>) is mapped by the construction indicator's endpoints.
/// </summary>
public static class ProjectEndpoints
{
    private const string Json = "application/json";
    private const string Collection = "/api/v1/projects/";

    /// <summary>Body limit of a document upload: the 20 MB file plus room for the multipart boundaries and fields.</summary>
    public const long MaxUploadBytes = ProjectDocumentTypes.MaxBytes + 64 * 1024;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapProjectEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/projects").WithTags("Construction projects");
        // None of these routes takes a query parameter: any is a mistake worth a 400 naming it.
        group.AddEndpointFilter(async (context, next) =>
        {
            var query = context.HttpContext.Request.Query;
            if (query.Count == 0)
            {
                return await next(context);
            }

            var errors = new FieldErrors();
            foreach (var key in query.Keys)
            {
                errors.Add(key, "Unknown parameter: this route takes none.");
            }

            return errors.ToResult(StatusCodes.Status400BadRequest, "A parameter of the request is not acceptable.");
        });

        app.MapGet("/api/v1/project-types", Types).WithTags("Construction projects")
            .WithName("ListProjectTypes").RequireAccess(ResourceKinds.ConstructionProject, Operations.Read)
            .WithSummary("Construction project types (data/project-types.json) with the facility kinds that apply to each and the clause of GB 55019 / GB 50763 that makes them apply.")
            .Produces<IReadOnlyList<ProjectType>>();
        group.MapGet("{id:long}", Get)
            .WithName("GetProject").RequireAccess(ResourceKinds.ConstructionProject, Operations.Read)
            .WithSummary("One construction project with its planned facilities, their latest design-review and acceptance checks, open failures and waivers; documents, checker names and user ids only for staff of its district. Version as ETag.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("", Register)
            .WithName("RegisterProject").RequireAccess(ResourceKinds.ConstructionProject, Operations.Create)
            .WithSummary("Registers a construction project (name, builder, projectType, works new|alteration, footprint/line/point geometry placed in its district, description, plannedCompletion) in stage planning.")
            .Accepts<ProjectRequest>(Json).Produces(StatusCodes.Status201Created, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPut("{id:long}", Update)
            .WithName("UpdateProject").RequireAccess(ResourceKinds.ConstructionProject, Operations.Update)
            .WithSummary("Replaces a project's fields; send the version read (If-Match or version): a stale one gets 409 with currentVersion. Not once accepted.")
            .Accepts<ProjectRequest>(Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("{id:long}/facilities", AddFacility)
            .WithName("AddPlannedFacility").RequireAccess(ResourceKinds.ConstructionProject, Operations.Update)
            .WithSummary("Adds a facility the project will build: of a kind that applies to its type, inside its district, attributes as a facility's.")
            .Accepts<PlannedFacilityRequest>(Json).Produces(StatusCodes.Status201Created, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPut("{id:long}/facilities/{plannedId:long}", UpdateFacility)
            .WithName("UpdatePlannedFacility").RequireAccess(ResourceKinds.ConstructionProject, Operations.Update)
            .WithSummary("Replaces a planned facility's kind, name, geometry and attributes.")
            .Accepts<PlannedFacilityRequest>(Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapDelete("{id:long}/facilities/{plannedId:long}", RemoveFacility)
            .WithName("RemovePlannedFacility").RequireAccess(ResourceKinds.ConstructionProject, Operations.Update)
            .WithSummary("Removes a planned facility with its checks and waivers, before acceptance.")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("{id:long}/stage", Stage)
            .WithName("MoveProjectStage").RequireAccess(ResourceKinds.ConstructionProject, Operations.Update)
            .WithSummary("Moves a project to its next stage (planning → design-review → construction → acceptance); leaving design review needs every planned facility's latest design-review check to pass or its failures waived (409 naming each). validFrom dates a move entered late.")
            .Accepts<StageRequest>(Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("{id:long}/checks", RecordCheck)
            .WithName("RecordProjectCheck").RequireAccess(ResourceKinds.ConstructionProject, Operations.Update)
            .WithSummary("Records the design-review or acceptance check of one planned facility while the project is in that stage: its kind's checklist judged as an inspection's; every applicable item answered, or not applicable with a reason.")
            .Accepts<CheckRequest>(Json).Produces(StatusCodes.Status201Created, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("{id:long}/checks", Checks)
            .WithName("ListProjectChecks").RequireAccess(ResourceKinds.ConstructionProject, Operations.ReadPersonal)
            .WithSummary("Every check of a project, oldest first, with answers and checker (staff of its district).")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("{id:long}/waivers", RecordWaiver)
            .WithName("RecordProjectWaiver").RequireAccess(ResourceKinds.ConstructionProject, Operations.Administer)
            .WithSummary("An administrator waives one failing item of a planned facility's latest check in the current stage, with the reason (audited).")
            .Accepts<WaiverRequest>(Json).Produces(StatusCodes.Status201Created, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("{id:long}/accept", Accept)
            .WithName("AcceptProject").RequireAccess(ResourceKinds.ConstructionProject, Operations.Update)
            .WithSummary("Accepts a project in stage acceptance: refused with 409 naming every open barrier-free failure unless waived; else its planned facilities enter the registry, each inspected once from its acceptance check, and barrierFreeCompliant is set. validFrom dates an acceptance entered late.")
            .Accepts<AcceptRequest>(Json).Produces(StatusCodes.Status200OK, contentType: Json)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("{id:long}/documents", UploadDocument)
            .WithName("UploadProjectDocument").RequireAccess(ResourceKinds.ConstructionProject, Operations.Update)
            .WithSummary("Uploads a project document (multipart field file, ≤ 20 MB; PDF, JPEG/PNG/WebP or Office file judged by its bytes; images stored without EXIF), with title and stage fields.")
            // No .Accepts(): routing would then answer other media types with a bare 415, before authorization, naming no field.
            .Produces(StatusCodes.Status201Created, contentType: Json)
            .WithMetadata(new BodySizeLimit(MaxUploadBytes))
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("{id:long}/documents", Documents)
            .WithName("ListProjectDocuments").RequireAccess(ResourceKinds.ConstructionProject, Operations.ReadPersonal)
            .WithSummary("A project's documents (staff of its district).")
            .Produces(StatusCodes.Status200OK, contentType: Json).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("{id:long}/documents/{documentId:guid}", Download)
            .WithName("DownloadProjectDocument").RequireAccess(ResourceKinds.ConstructionProject, Operations.ReadPersonal)
            .WithSummary("Downloads one project document as stored, with its SHA-256 as ETag (staff of its district).")
            .Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static IResult Types(ProjectTypeCatalog types) => TypedResults.Ok(types.Types);

    private static async Task<IResult> Get(long id, HttpContext http, ProjectReader reader, CancellationToken ct)
    {
        var (view, refusal) = await reader.ViewAsync(http, id, ct);
        return view is null ? refusal! : new RawJsonResult(view.Json.ToJsonString(ApiJsonOptions(http)), contentType: Json) { ETag = ETags.Format(view.Version) };
    }

    private static async Task<IResult> Register(HttpContext http, RegisterProject register, ProjectReader reader, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ProjectRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, reader, await register.RunAsync(http, request, ct), StatusCodes.Status201Created, ct);
    }

    private static async Task<IResult> Update(long id, HttpContext http, UpdateProject update, ProjectReader reader, CancellationToken ct)
    {
        if (!ETags.TryReadIfMatch(http.Request, out var ifMatch))
        {
            return JsonBody.Invalid(StatusCodes.Status400BadRequest, "If-Match", "Expected the ETag read, e.g. \"123\".");
        }

        var body = await JsonBody.ReadAsync<ProjectRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, reader, await update.RunAsync(http, id, request, ifMatch, ct), StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> AddFacility(long id, HttpContext http, AddPlannedFacility add, ProjectReader reader, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PlannedFacilityRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, reader, id, await add.RunAsync(http, id, request, ct), StatusCodes.Status201Created, ct);
    }

    private static async Task<IResult> UpdateFacility(long id, long plannedId, HttpContext http, UpdatePlannedFacility update, ProjectReader reader, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PlannedFacilityRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, reader, id, await update.RunAsync(http, id, plannedId, request, ct), StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> RemoveFacility(long id, long plannedId, HttpContext http, RemovePlannedFacility remove, ProjectReader reader, CancellationToken ct) =>
        await Answer(http, reader, id, await remove.RunAsync(http, id, plannedId, ct), StatusCodes.Status200OK, ct);

    private static async Task<IResult> Stage(long id, HttpContext http, MoveProjectStage move, ProjectReader reader, CancellationToken ct)
    {
        if (!ETags.TryReadIfMatch(http.Request, out var ifMatch))
        {
            return JsonBody.Invalid(StatusCodes.Status400BadRequest, "If-Match", "Expected the ETag read, e.g. \"123\".");
        }

        var body = await JsonBody.ReadAsync<StageRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, reader, await move.RunAsync(http, id, request, ifMatch, ct), StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> RecordCheck(long id, HttpContext http, RecordProjectCheck record, ProjectReader reader, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<CheckRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, reader, id, await record.RunAsync(http, id, request, ct), StatusCodes.Status201Created, ct);
    }

    private static async Task<IResult> Checks(long id, HttpContext http, ProjectReader reader, CancellationToken ct)
    {
        var (checks, refusal) = await reader.ChecksAsync(http, id, ct);
        return checks is null ? refusal! : new RawJsonResult(checks.ToJsonString(ApiJsonOptions(http)), contentType: Json);
    }

    private static async Task<IResult> RecordWaiver(long id, HttpContext http, RecordProjectWaiver record, ProjectReader reader, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<WaiverRequest>(http.Request, ct);
        return body.Value is not { } request ? body.Problem! : await Answer(http, reader, id, await record.RunAsync(http, id, request, ct), StatusCodes.Status201Created, ct);
    }

    private static async Task<IResult> Accept(long id, HttpContext http, AcceptProject accept, ProjectReader reader, CancellationToken ct)
    {
        if (!ETags.TryReadIfMatch(http.Request, out var ifMatch))
        {
            return JsonBody.Invalid(StatusCodes.Status400BadRequest, "If-Match", "Expected the ETag read, e.g. \"123\".");
        }

        // An empty body is an acceptance now.
        AcceptRequest request = new();
        if (http.Request.ContentLength is not 0 && (http.Request.ContentType is not null || http.Request.ContentLength is > 0))
        {
            var body = await JsonBody.ReadAsync<AcceptRequest>(http.Request, ct);
            if (body.Value is null)
            {
                return body.Problem!;
            }

            request = body.Value;
        }

        return await Answer(http, reader, await accept.RunAsync(http, id, request, ifMatch, ct), StatusCodes.Status200OK, ct);
    }

    private static async Task<IResult> UploadDocument(long id, HttpContext http, UploadProjectDocument upload, ProjectReader reader, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxUploadBytes;
        }

        var request = http.Request;
        if (request.ContentLength > MaxUploadBytes)
        {
            return TooLarge();
        }

        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            // Who may upload is answered before what was sent.
            return await upload.RefusalAsync(http, id, ct)
                ?? JsonBody.Invalid(StatusCodes.Status415UnsupportedMediaType, "file", "Send multipart/form-data with the document in the field \"file\".");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return JsonBody.Invalid(StatusCodes.Status400BadRequest, "file", "The multipart body cannot be read: " + ex.Message);
        }

        if (InputText.Check(form) is { } formErrors)
        {
            return formErrors.ToResult(StatusCodes.Status400BadRequest, "A field of the form is not acceptable.");
        }

        var files = form.Files.GetFiles("file");
        if (files.Count > 1)
        {
            return JsonBody.Invalid(StatusCodes.Status422UnprocessableEntity, "file", "Attach one document per request.");
        }

        byte[] content = [];
        string? fileName = null;
        if (files.Count == 1)
        {
            if (files[0].Length > ProjectDocumentTypes.MaxBytes)
            {
                return TooLarge();
            }

            content = new byte[files[0].Length];
            await using var stream = files[0].OpenReadStream();
            await stream.ReadExactlyAsync(content, ct);
            fileName = files[0].FileName;
        }

        var outcome = await upload.RunAsync(http, id, new DocumentUpload(content, fileName, form["title"].ToString(), form["stage"].ToString()), ct);
        if (outcome.Kind != OutcomeKind.Done)
        {
            return Refusal(outcome);
        }

        var (documents, _) = await reader.DocumentsAsync(http, id, ct);
        var document = documents!.FirstOrDefault(d => d!["id"]!.GetValue<string>() == outcome.Value.ToString());
        return new RawJsonResult(document!.ToJsonString(ApiJsonOptions(http)), StatusCodes.Status201Created, Json)
        {
            Location = Collection + ProjectWrites.Id(id) + "/documents/" + outcome.Value,
        };
    }

    private static async Task<IResult> Documents(long id, HttpContext http, ProjectReader reader, CancellationToken ct)
    {
        var (documents, refusal) = await reader.DocumentsAsync(http, id, ct);
        return documents is null ? refusal! : new RawJsonResult(documents.ToJsonString(ApiJsonOptions(http)), contentType: Json);
    }

    private static async Task<IResult> Download(long id, Guid documentId, HttpContext http, ProjectReader reader, CancellationToken ct)
    {
        var (document, content, refusal) = await reader.DocumentAsync(http, id, documentId, ct);
        if (document is null)
        {
            return refusal!;
        }

        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "private, no-store";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(document.FileName);
        headers.ContentDisposition = disposition.ToString();
        return TypedResults.Bytes(content!, document.ContentType, entityTag: new EntityTagHeaderValue("\"" + document.Sha256 + "\""));
    }

    /// <summary>The answer to a project use case: the project as the caller may see it now, or the refusal.</summary>
    private static Task<IResult> Answer(HttpContext http, ProjectReader reader, Outcome<long> outcome, int status, CancellationToken ct) =>
        outcome.Kind == OutcomeKind.Done ? View(http, reader, outcome.Value, status, ct) : Task.FromResult(Refusal(outcome));

    /// <summary>As <see cref="Answer(HttpContext, ProjectReader, Outcome{long}, int, CancellationToken)"/> for a step on a part of project <paramref name="projectId"/> (the outcome's value is the part's id).</summary>
    private static Task<IResult> Answer(HttpContext http, ProjectReader reader, long projectId, Outcome<long> outcome, int status, CancellationToken ct) =>
        outcome.Kind == OutcomeKind.Done ? View(http, reader, projectId, status, ct, outcome.Value) : Task.FromResult(Refusal(outcome));

    private static async Task<IResult> View(HttpContext http, ProjectReader reader, long projectId, int status, CancellationToken ct, long? partId = null)
    {
        var (view, refusal) = await reader.ViewAsync(http, projectId, ct);
        if (view is null)
        {
            return refusal!;
        }

        if (partId is { } part)
        {
            view.Json["writtenId"] = part;
        }

        return new RawJsonResult(view.Json.ToJsonString(ApiJsonOptions(http)), status, Json)
        {
            ETag = ETags.Format(view.Version),
            Location = status == StatusCodes.Status201Created && partId is null ? Collection + ProjectWrites.Id(projectId) : null,
        };
    }

    private static IResult Refusal<T>(Outcome<T> outcome) => outcome.Kind switch
    {
        OutcomeKind.Invalid => outcome.Errors!.ToResult(),
        OutcomeKind.NotFound => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: "No such planned facility of this project."),
        OutcomeKind.Stale => ProjectWrites.Stale(outcome.Value is long v ? v : 0),
        OutcomeKind.Conflict => outcome.Refusal ?? outcome.Errors!.ToResult(StatusCodes.Status409Conflict),
        _ => outcome.Refusal!,
    };

    private static IResult TooLarge() => JsonBody.Invalid(StatusCodes.Status413PayloadTooLarge, "file", "A document is at most 20 MB.");

    private static System.Text.Json.JsonSerializerOptions ApiJsonOptions(HttpContext http) =>
        http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
}
