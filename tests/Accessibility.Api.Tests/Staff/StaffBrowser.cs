using System.Net;
using System.Text.RegularExpressions;

namespace Accessibility.Api.Tests.Staff;

/// <summary>
/// A plain HTTP "browser" for the staff workspace's server-rendered pages: keeps cookies, does not follow redirects (so a
/// test sees them), and posts forms with the antiforgery token of the page they are on, as a browser without script does.
/// </summary>
public sealed partial class StaffBrowser : IDisposable
{
    private readonly HttpClient client;

    /// <summary>A browser with no cookies, on <paramref name="registry"/>.</summary>
    public StaffBrowser(RegistryFixture registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = registry.BaseAddress,
        };
    }

    /// <summary>The last page's HTML (for its antiforgery token).</summary>
    public string LastHtml { get; private set; } = "";

    /// <summary>GETs <paramref name="path"/>; remembers the HTML.</summary>
    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        LastHtml = await response.Content.ReadAsStringAsync();
        return response;
    }

    /// <summary>Posts <paramref name="fields"/> to <paramref name="path"/> with the antiforgery token of the last page.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true)
    {
        var all = fields.ToList();
        if (withToken)
        {
            all.Add(new("__RequestVerificationToken", Token()));
        }

        using var content = new FormUrlEncodedContent(all);
        var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);
        LastHtml = await response.Content.ReadAsStringAsync();
        return response;
    }

    /// <summary>Posts a multipart form (fields and at most one file, as <c>Photo</c>) with the antiforgery token of the last page.</summary>
    public async Task<HttpResponseMessage> PostMultipartAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, (string Name, byte[] Bytes)? file, string fileField = "Photo")
    {
        using var content = new MultipartFormDataContent();
        foreach (var (key, value) in fields.Append(new("__RequestVerificationToken", Token())))
        {
            content.Add(new StringContent(value), key);
        }

        if (file is { } f)
        {
            var part = new ByteArrayContent(f.Bytes);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
            content.Add(part, fileField, f.Name);
        }

        var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);
        LastHtml = await response.Content.ReadAsStringAsync();
        return response;
    }

    /// <summary>Signs in through <c>/staff/sign-in</c>; true when it redirected on.</summary>
    public async Task<bool> SignInAsync(string userName, string password)
    {
        await GetAsync("/staff/sign-in");
        using var response = await PostFormAsync("/staff/sign-in", [new("Input.UserName", userName), new("Input.Password", password)]);
        return response.StatusCode == HttpStatusCode.Redirect;
    }

    /// <summary>The antiforgery token of the last page.</summary>
    public string Token()
    {
        var match = TokenField().Match(LastHtml);
        Assert.True(match.Success, "The last page has no form with an antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <inheritdoc />
    public void Dispose() => client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
