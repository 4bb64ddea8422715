using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// The static files' Brotli copies written by the web build (<c>scripts/copy-web-libs.mjs</c>: <c>&lt;file&gt;.br</c> beside
/// each text file of <c>wwwroot/</c>, at Brotli's best level, too slow to run per request): a client that accepts
/// <c>br</c> gets the copy, with <c>Content-Encoding: br</c> and <c>Vary: Accept-Encoding</c>; the response compression
/// (<see cref="Compression"/>, its fastest level) then leaves it as it is. A copy older than its file (the file was
/// edited after the build) is not used, so an edit shows at once (an edit within the build's second aside).
/// </summary>
public static class PrecompressedFiles
{
    private const string Suffix = ".br";

    /// <summary>Answers a request for a static file with its Brotli copy when the client takes it; before the static files.</summary>
    public static WebApplication UsePrecompressedFiles(this WebApplication app)
    {
        var files = app.Environment.WebRootFileProvider;
        var types = new FileExtensionContentTypeProvider();
        app.Use((http, next) =>
        {
            var request = http.Request;
            // The copies are the build's, not resources of their own: asked for by name, one would go out marked
            // Brotli-encoded to a client that may not take it.
            if (request.Path.Value?.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase) == true)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
                && request.Path.Value is { } path
                && types.TryGetContentType(path, out _)
                && AcceptsBrotli(request)
                && FreshCopy(files, path))
            {
                request.Path = path + Suffix;
            }

            return next(http);
        });
        return app;
    }

    /// <summary>The static files' options: a <c>.br</c> copy is served with its file's type and as Brotli-encoded.</summary>
    public static StaticFileOptions StaticFileOptions() => new()
    {
        ContentTypeProvider = new CopyContentTypes(),
        OnPrepareResponse = context =>
        {
            if (!context.File.Name.EndsWith(Suffix, StringComparison.Ordinal))
            {
                return;
            }

            var headers = context.Context.Response.Headers;
            headers.ContentEncoding = "br";
            headers.Vary = HeaderNames.AcceptEncoding;
        },
    };

    private static bool FreshCopy(IFileProvider files, string path)
    {
        var file = files.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory)
        {
            return false;
        }

        // To the second: the build gives the copy its file's time, which Node sets to the millisecond only.
        var copy = files.GetFileInfo(path + Suffix);
        return copy.Exists && copy.LastModified.ToUnixTimeSeconds() >= file.LastModified.ToUnixTimeSeconds();
    }

    private static bool AcceptsBrotli(HttpRequest request)
    {
        foreach (var coding in request.GetTypedHeaders().AcceptEncoding)
        {
            if (coding.Value.Equals("br", StringComparison.OrdinalIgnoreCase) && coding.Quality is not 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The framework's types, and for <c>x.js.br</c> the type of <c>x.js</c>.</summary>
    private sealed class CopyContentTypes : IContentTypeProvider
    {
        private readonly FileExtensionContentTypeProvider types = new();

        public bool TryGetContentType(string subpath, out string contentType)
            => types.TryGetContentType(subpath.EndsWith(Suffix, StringComparison.Ordinal) ? subpath[..^Suffix.Length] : subpath, out contentType!);
    }
}
