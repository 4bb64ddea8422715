using System.Diagnostics;
using System.Globalization;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Cli;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Infrastructure;
using Microsoft.AspNetCore.Http.Features;

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
        return services;
    }

    /// <summary>Maps the import endpoint.</summary>
    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/imports/facilities", ImportAsync)
            .WithName("ImportFacilities").WithTags("Imports")
            .WithSummary("Imports facilities from a GeoJSON or CSV file (multipart fields file, mapping, optional source); all or nothing, with a report of rejected rows.")
            .RequireAuthorization(Policies.Administer)
            .WithMetadata(new BodySizeLimit(MaxUploadBytes))
            .DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ImportAsync(HttpContext http, FacilityImporter importer, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxUploadBytes;
        }

        var request = http.Request;
        if (request.ContentLength > MaxUploadBytes)
        {
            return JsonBody.TooLarge();
        }

        if (!request.HasFormContentType)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Send multipart/form-data with the fields file and mapping.");
        }

        IFormCollection form;
        try
        {
            http.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = MaxUploadBytes }));
            form = await request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return JsonBody.TooLarge();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Problem(StatusCodes.Status400BadRequest, "The multipart body cannot be read: " + ex.Message);
        }

        var file = form.Files.GetFile("file");
        var errors = new FieldErrors();
        if (file is null)
        {
            errors.Add("file", "Send the GeoJSON or CSV file in the field 'file'.");
        }

        string? mappingText = form.Files.GetFile("mapping") is { } mappingFile
            ? await ReadTextAsync(mappingFile, ct)
            : form["mapping"].ToString() is { Length: > 0 } m ? m : null;
        ImportMapping? mapping = null;
        if (mappingText is null)
        {
            errors.Add("mapping", "Send the mapping (JSON, see docs/import.md) in the field 'mapping'.");
        }
        else
        {
            (mapping, var mappingErrors) = ImportMapping.Parse(mappingText);
            foreach (var message in mappingErrors)
            {
                errors.Add("mapping", message);
            }
        }

        if (!errors.IsEmpty || file is null || mapping is null)
        {
            return errors.ToResult();
        }

        byte[] data;
        await using (var stream = file.OpenReadStream())
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, ct);
            data = buffer.ToArray();
        }

        var source = form["source"].ToString();
        var user = http.User;
        var outcome = await importer.ImportAsync(
            data, file.FileName, mapping, source.Length > 0 ? source : null, code => WriteScope.Allows(user, code),
            BoundaryImporter.Actor.From(http), null, ct);
        return outcome.Imported
            ? TypedResults.Ok(outcome)
            : TypedResults.UnprocessableEntity(outcome);
    }

    private static async Task<string> ReadTextAsync(IFormFile file, CancellationToken ct)
    {
        using var reader = new StreamReader(file.OpenReadStream());
        return await reader.ReadToEndAsync(ct);
    }

    private static IResult Problem(int status, string detail) => TypedResults.Problem(statusCode: status, title: "Cannot import", detail: detail);

    /// <summary><c>import-facilities --file F --mapping M [--source S]</c>.</summary>
    public static async Task<int> RunCommandAsync(string[] args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        const string usage = "Usage: import-facilities --file F --mapping M [--source S]";
        var (arguments, problem) = CliArguments.Parse(args, ["file", "mapping", "source"]);
        if (arguments is null || arguments.Value("file") is not { } file || arguments.Value("mapping") is not { } mappingFile)
        {
            await context.Error.WriteLineAsync((problem ?? "--file and --mapping are required.") + " " + usage);
            return CliContext.Usage;
        }

        foreach (var path in new[] { file, mappingFile })
        {
            if (!File.Exists(path))
            {
                await context.Error.WriteLineAsync("No such file: " + path);
                return CliContext.Usage;
            }
        }

        var (mapping, mappingErrors) = ImportMapping.Parse(await File.ReadAllTextAsync(mappingFile));
        if (mapping is null)
        {
            await context.Error.WriteLineAsync("The mapping " + mappingFile + " is not usable:");
            foreach (var message in mappingErrors)
            {
                await context.Error.WriteLineAsync("  " + message);
            }

            return CliContext.Failure;
        }

        await using var app = await context.BuildHostAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<FacilityImporter>();
        var data = await File.ReadAllBytesAsync(file);
        var watch = Stopwatch.StartNew();
        var progress = new ProgressLine(context.Error, watch);
        // The command line runs with the database owner's rights: every district may be written.
        var outcome = await importer.ImportAsync(data, Path.GetFileName(file), mapping, arguments.Value("source"), _ => true,
            BoundaryImporter.Actor.CommandLine, progress, CancellationToken.None);
        progress.Finish();
        if (!outcome.Imported)
        {
            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Nothing was imported: {outcome.RejectedRows} of {outcome.Rows} rows rejected."));
            foreach (var rejected in outcome.Rejected)
            {
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  row {rejected.Row}, {rejected.Field}: {rejected.Reason}"));
            }

            if (outcome.Rejected.Count < outcome.RejectedRows)
            {
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  … the first {outcome.Rejected.Count} reasons are listed."));
            }

            return CliContext.Failure;
        }

        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Imported {outcome.Rows} rows from source '{outcome.Source}': {outcome.Inserted} new, {outcome.Updated} updated, in {watch.Elapsed.TotalSeconds:0.0} s."));
        return CliContext.Success;
    }

    /// <summary>One progress line on standard error, rewritten in place: rows, rows/s, share of the file, time left.</summary>
    private sealed class ProgressLine(TextWriter error, Stopwatch watch) : IProgress<ImportProgress>
    {
        private TimeSpan? last;
        private bool written;

        public void Report(ImportProgress value)
        {
            var now = watch.Elapsed;
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

        public void Finish()
        {
            if (written)
            {
                error.WriteLine();
            }
        }
    }
}
