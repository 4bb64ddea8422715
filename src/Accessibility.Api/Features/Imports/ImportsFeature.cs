using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Accessibility.Api.Data;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Cli;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Features.Imports;

/// <summary>Facility imports: <c>POST /api/v1/imports/facilities</c> and the <c>import-facilities</c> command.</summary>
public static class ImportsFeature
{
    /// <summary>Largest upload the endpoint takes (bigger files go through the command line).</summary>
    public const long MaxUploadBytes = 512L * 1024 * 1024;

    /// <summary>Registers the importer (the command-line verb is listed in <see cref="RegistryCli"/>).</summary>
    public static IServiceCollection AddImports(this IServiceCollection services)
    {
        services.AddScoped<FacilityImporter>();
        services.AddSingleton<ImportJobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<ImportJobRunner>());
        return services;
    }

    // Who may import (AccessRules, import row): district administrators and system administrators, and the housing
    // bureau's planners (their GIS staff bring the county's survey and OpenStreetMap data); every row must still fall in
    // the caller's districts, before and after.

    /// <summary>Maps the import endpoint.</summary>
    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/imports/facilities", ImportAsync)
            .WithName("ImportFacilities").RequireAccess(ResourceKinds.Import, Operations.Create).WithTags("Imports")
            .WithSummary("Imports facilities from a GeoJSON, CSV or OpenStreetMap (.osm, .osm.pbf) file (multipart fields file, mapping — optional for OSM —, optional format and source); all or nothing, with a report of rejected rows.")
            .WithMetadata(new BodySizeLimit(MaxUploadBytes))
            .DisableAntiforgery();
        var jobs = app.MapGroup("/api/v1/imports/facilities/jobs").WithTags("Imports")
            ;
        jobs.MapPost("", StartJobAsync)
            .WithName("StartFacilityImportJob").RequireAccess(ResourceKinds.Import, Operations.Create)
            .WithSummary("Starts a facility import in the background (the same multipart fields as POST /api/v1/imports/facilities); 202 with the job, whose status the page polls.")
            .WithMetadata(new BodySizeLimit(MaxUploadBytes))
            .DisableAntiforgery();
        jobs.MapGet("/{id:guid}", GetJobAsync)
            .WithName("GetFacilityImportJob").RequireAccess(ResourceKinds.Import, Operations.Read)
            .WithSummary("State and progress of an import job (rows read, rate, time left) and, once finished, its outcome with the rejection report.");
        jobs.MapGet("/{id:guid}/rejected.csv", GetRejectedCsvAsync)
            .WithName("GetFacilityImportJobRejections").RequireAccess(ResourceKinds.Import, Operations.Read)
            .WithSummary("The rejected rows of a finished import job as CSV (UTF-8 with BOM, for Excel): row, external id, field, reason.");
        return app;
    }

    private static async Task<IResult> StartJobAsync(
        HttpContext http, ImportJobRunner runner, FacilityKindCatalog catalog, RegistryPaths paths, CancellationToken ct)
    {
        var (request, problem) = await ReadUploadAsync(http, catalog, paths, ct);
        if (request is null)
        {
            return problem!;
        }

        var user = http.User;
        var job = await runner.EnqueueAsync(request, code => MayWrite(user, code), BoundaryImporter.Actor.From(http), ct);
        var status = ImportJobStatus.From(job, DateTimeOffset.UtcNow);
        return TypedResults.Accepted(status.Href, status);
    }

    private static async Task<IResult> GetJobAsync(Guid id, HttpContext http, RegistryDbContext db, CancellationToken ct)
    {
        var job = await FindJobAsync(id, http, db, ct);
        return job is null ? JobNotFound() : TypedResults.Ok(ImportJobStatus.From(job, DateTimeOffset.UtcNow));
    }

    private static async Task<IResult> GetRejectedCsvAsync(Guid id, HttpContext http, RegistryDbContext db, CancellationToken ct)
    {
        var job = await FindJobAsync(id, http, db, ct);
        if (job is null)
        {
            return JobNotFound();
        }

        if (job.Outcome?["rejected"] is not JsonArray rejected)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "No report yet",
                detail: "The job has not finished, or failed without reading the file: there is no rejection report.");
        }

        var csv = new StringBuilder("\uFEFFrow,externalId,field,reason\r\n");
        foreach (var row in rejected)
        {
            csv.Append(CsvField(row?["row"]?.ToJsonString())).Append(',')
                .Append(CsvField((string?)row?["externalId"])).Append(',')
                .Append(CsvField((string?)row?["field"])).Append(',')
                .Append(CsvField((string?)row?["reason"])).Append("\r\n");
        }

        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8",
            "rejected-" + id.ToString("N", CultureInfo.InvariantCulture)[..8] + ".csv");
    }

    private static string CsvField(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>
    /// Whether the caller may import into (and so overwrite facilities of) a county: the rule table's import row, asked
    /// for every county a row lies in now and would lie in after the import (<see cref="FacilityImporter"/>).
    /// </summary>
    private static bool MayWrite(ClaimsPrincipal user, string districtCode) =>
        AccessRules.Allows(user, Operations.Create.Name, RegistryResource.In(ResourceKinds.Import, districtCode));

    /// <summary>The job, if the caller started it (or is a system administrator); others get 404, not 403, so ids leak nothing.</summary>
    private static async Task<ImportJob?> FindJobAsync(Guid id, HttpContext http, RegistryDbContext db, CancellationToken ct)
    {
        var job = await db.Set<ImportJob>().AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct);
        // Reading imports "everywhere" is the system administrators' row of the table.
        return job is not null && (job.UserId == UserPrincipal.UserId(http.User)
            || AccessRules.Allows(http.User, Operations.Read.Name, RegistryResource.In(ResourceKinds.Import, RegistryResource.Everywhere))) ? job : null;
    }

    private static IResult JobNotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such import job",
        detail: "There is no import job with this id that you started.");

    private static async Task<IResult> ImportAsync(
        HttpContext http, FacilityImporter importer, FacilityKindCatalog catalog, RegistryPaths paths, CancellationToken ct)
    {
        var (request, problem) = await ReadUploadAsync(http, catalog, paths, ct);
        if (request is null)
        {
            return problem!;
        }

        var user = http.User;
        var outcome = await request.RunAsync(importer, code => MayWrite(user, code), BoundaryImporter.Actor.From(http), null, ct);
        return outcome.Imported ? TypedResults.Ok(outcome) : NotImported(outcome);
    }

    /// <summary>
    /// 422 problem details for an import that wrote nothing: the detail names the problem of the file as a whole, or
    /// counts the rejected rows; the report's members (rows, rejectedRows, rejected…) are extensions.
    /// </summary>
    internal static IResult NotImported(ImportOutcome outcome)
    {
        var whole = outcome.Rejected.FirstOrDefault(r => r.Row == 0);
        var detail = whole is not null
            ? whole.Reason
            : string.Create(CultureInfo.InvariantCulture, $"{outcome.RejectedRows} of {outcome.Rows} rows were rejected, so nothing was imported.");
        return TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Nothing was imported",
            detail: detail,
            extensions: new Dictionary<string, object?>
            {
                ["source"] = outcome.Source,
                ["format"] = outcome.Format,
                ["rows"] = outcome.Rows,
                ["inserted"] = 0,
                ["updated"] = 0,
                ["skipped"] = outcome.Skipped,
                ["rejectedRows"] = outcome.RejectedRows,
                ["imported"] = false,
                ["rejected"] = outcome.Rejected,
            });
    }

    /// <summary>Reads the multipart upload (file, mapping, optional format and source); a problem result when it does not fit.</summary>
    internal static async Task<(ImportRequest? Request, IResult? Problem)> ReadUploadAsync(
        HttpContext http, FacilityKindCatalog catalog, RegistryPaths paths, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxUploadBytes;
        }

        var request = http.Request;
        if (request.ContentLength > MaxUploadBytes)
        {
            return (null, JsonBody.TooLarge());
        }

        if (!request.HasFormContentType)
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "Send multipart/form-data with the fields file and mapping."));
        }

        IFormCollection form;
        try
        {
            http.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = MaxUploadBytes }));
            form = await request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, JsonBody.TooLarge());
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "The multipart body cannot be read: " + ex.Message));
        }

        if (InputText.Check(form) is { } formErrors)
        {
            return (null, formErrors.ToResult(StatusCodes.Status400BadRequest, "A field of the form is not acceptable."));
        }

        var file = form.Files.GetFile("file");
        if (file is null)
        {
            return (null, new FieldErrors().Add("file", "Send the GeoJSON, CSV or OpenStreetMap (.osm, .osm.pbf) file in the field 'file'.").ToResult());
        }

        string? mappingText = form.Files.GetFile("mapping") is { Length: > 0 } mappingFile
            ? await ReadTextAsync(mappingFile, ct)
            : form["mapping"].ToString() is { Length: > 0 } m ? m : null;
        byte[] data;
        await using (var stream = file.OpenReadStream())
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, ct);
            data = buffer.ToArray();
        }

        var source = form["source"].ToString();
        var (prepared, errors) = ImportRequest.Prepare(
            data, file.FileName, mappingText, form["format"].ToString(), source.Length > 0 ? source : null, catalog, paths.DataDir);
        return prepared is null ? (null, errors.ToResult()) : (prepared, null);
    }

    private static async Task<string> ReadTextAsync(IFormFile file, CancellationToken ct)
    {
        using var reader = new StreamReader(file.OpenReadStream());
        return await reader.ReadToEndAsync(ct);
    }

    private static IResult Problem(int status, string detail) => TypedResults.Problem(statusCode: status, title: "Cannot import", detail: detail);

    /// <summary><c>import-facilities --file F [--mapping M] [--format F] [--source S]</c>.</summary>
    public static async Task<int> RunCommandAsync(string[] args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        const string usage = "Usage: import-facilities --file F [--mapping M] [--format geojson|csv|osm|osm-xml|osm-pbf] [--source S] (the mapping may be left out for OpenStreetMap files)";
        var (arguments, problem) = CliArguments.Parse(args, ["file", "mapping", "format", "source"]);
        if (arguments is null || arguments.Value("file") is not { } file)
        {
            await context.Error.WriteLineAsync((problem ?? "--file is required.") + " " + usage);
            return CliContext.Usage;
        }

        var mappingFile = arguments.Value("mapping");
        foreach (var path in new[] { file, mappingFile }.OfType<string>())
        {
            if (!File.Exists(path))
            {
                await context.Error.WriteLineAsync("No such file: " + path);
                return CliContext.Usage;
            }
        }

        var started = Stopwatch.StartNew();
        // An up-to-date database is not migrated and seeded again: at a million rows, start-up was a share of the import.
        await using var app = await context.BuildPreparedHostAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var data = await File.ReadAllBytesAsync(file);
        var (request, errors) = ImportRequest.Prepare(
            data, Path.GetFileName(file), mappingFile is null ? null : await File.ReadAllTextAsync(mappingFile), arguments.Value("format"),
            arguments.Value("source"), services.GetRequiredService<FacilityKindCatalog>(), services.GetRequiredService<RegistryPaths>().DataDir);
        if (request is null)
        {
            await context.Error.WriteLineAsync("Cannot import " + file + ":");
            foreach (var (field, messages) in errors.ToDictionary())
            {
                foreach (var message in messages)
                {
                    await context.Error.WriteLineAsync("  " + field + ": " + message);
                }
            }

            return ExitCode(errors);
        }

        var importer = services.GetRequiredService<FacilityImporter>();
        var watch = Stopwatch.StartNew();
        var progress = new ProgressLine(context.Error, watch, started.Elapsed);
        // The command line runs with the database owner's rights: every district may be written.
        var outcome = await request.RunAsync(importer, _ => true, BoundaryImporter.Actor.CommandLine, progress, CancellationToken.None);
        progress.Finish();
        if (!outcome.Imported)
        {
            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Nothing was imported: {outcome.RejectedRows} of {outcome.Rows} rows rejected."));
            foreach (var rejected in outcome.Rejected)
            {
                var id = rejected.ExternalId is null ? "" : " (" + rejected.ExternalId + ")";
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  row {rejected.Row}{id}, {rejected.Field}: {rejected.Reason}"));
            }

            if (outcome.Rejected.Count < outcome.RejectedRows)
            {
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  … the first {outcome.Rejected.Count} reasons are listed."));
            }

            return CliContext.Failure;
        }

        var skipped = outcome.Skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $", {outcome.Skipped} skipped (no facility kind)") : "";
        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Imported {outcome.Rows} rows ({outcome.Format}) from source '{outcome.Source}': {outcome.Inserted} new, {outcome.Updated} updated{skipped}, in {watch.Elapsed.TotalSeconds:0.0} s."));
        return CliContext.Success;

        static int ExitCode(FieldErrors errors) => errors.Has("format") ? CliContext.Usage : CliContext.Failure;
    }

    /// <summary>One progress line on standard error, rewritten in place: rows, rows/s, share of the file, time left.</summary>
    /// <param name="error">Where the line is written.</param>
    /// <param name="watch">The import's clock.</param>
    /// <param name="start">How long the host took to start before the import began (shown as the first phase).</param>
    private sealed class ProgressLine(TextWriter error, Stopwatch watch, TimeSpan start) : IProgress<ImportProgress>
    {
        private readonly List<(string Phase, TimeSpan Start)> phases = [];
        private TimeSpan? last;
        private bool written;

        public void Report(ImportProgress value)
        {
            var now = watch.Elapsed;
            if (phases.Count == 0 || phases[^1].Phase != value.Phase)
            {
                phases.Add((value.Phase, phases.Count == 0 ? TimeSpan.Zero : now));
            }

            if (value.Phase == "read" && last is { } previous && now - previous < TimeSpan.FromMilliseconds(500))
            {
                return;
            }

            last = now;
            var seconds = Math.Max(now.TotalSeconds, 0.001);
            var rate = value.Rows / seconds;
            var share = value.BytesTotal == 0 ? 1 : (double)value.BytesRead / value.BytesTotal;
            var left = TimeSpan.FromSeconds(share > 0.001 ? Math.Min(seconds / share - seconds, 359_999) : 0);
            var text = value.Phase switch
            {
                "read" => string.Create(CultureInfo.InvariantCulture,
                    $"\rread {value.Rows,10:N0} rows  {rate,9:N0} rows/s  {share,4:P0}  ~{left:hh\\:mm\\:ss} left   "),
                _ => string.Create(CultureInfo.InvariantCulture,
                    $"\r{value.Phase} {value.Rows,10:N0} rows  ({rate:N0} rows/s read)  {now:hh\\:mm\\:ss} so far          "),
            };
            error.Write(text);
            error.Flush();
            written = true;
        }

        /// <summary>Ends the line and writes how long each phase took (<c>phases: start 1.2 s, read 9.1 s, place 2.0 s, write 4.3 s</c>).</summary>
        public void Finish()
        {
            if (written)
            {
                error.WriteLine();
                var end = watch.Elapsed;
                var times = phases.Select((p, i) => string.Create(CultureInfo.InvariantCulture,
                    $"{p.Phase} {((i + 1 < phases.Count ? phases[i + 1].Start : end) - p.Start).TotalSeconds:0.0} s"));
                error.WriteLine("phases: " + string.Join(", ", times.Prepend(string.Create(CultureInfo.InvariantCulture, $"start {start.TotalSeconds:0.0} s"))));
            }
        }
    }
}
