using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.WebEncoders;

namespace Accessibility.Api.Infrastructure.Staff;

/// <summary>
/// The staff workspace at <c>/staff/</c>: server-rendered Razor Pages in the feature folders (<c>Features/X/Pages</c>), in
/// Chinese with English, whose forms work without script. docs/staff-workspace.md says how a page is written.
/// </summary>
public static class StaffWorkspace
{
    /// <summary>Where the workspace lives.</summary>
    public const string PathBase = "/staff";

    /// <summary>The sign-in page.</summary>
    public const string SignInPath = "/staff/sign-in";

    /// <summary>The page for a role the rule table does not admit.</summary>
    public const string ForbiddenPath = "/staff/forbidden";

    /// <summary>The cultures of the workspace: Chinese (default) and English.</summary>
    public static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];

    /// <summary>Whether a request is for the workspace.</summary>
    public static bool IsStaffRequest(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Path.StartsWithSegments(PathBase, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Registers Razor Pages (rooted at <c>Features/</c>), the string catalogue and localized binding messages.</summary>
    public static IServiceCollection AddStaffWorkspace(this IServiceCollection services)
    {
        services.AddSingleton(sp => new StringCatalog(Path.Combine(sp.GetRequiredService<IWebHostEnvironment>().WebRootPath, "strings")));
        services.AddSingleton<IStringLocalizer, CatalogStringLocalizer>();
        services.AddRazorPages(o =>
        {
            // Pages live with their feature (Features/Renovations/Pages/…) and declare absolute routes under /staff/.
            o.RootDirectory = "/Features";
            o.Conventions.Add(new StaffAccessConvention());
        }).ConfigureApplicationPartManager(parts =>
        {
            // The pages are compiled into this assembly. It is the entry assembly when the service runs, but not when a
            // test host builds it: name it once either way.
            var assembly = typeof(StaffWorkspace).Assembly;
            if (!parts.ApplicationParts.Any(p => p.Name == assembly.GetName().Name))
            {
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                {
                    parts.ApplicationParts.Add(part);
                }
            }
        });
        services.AddOptions<MvcOptions>().Configure<StringCatalog>((o, catalog) => LocalizeBindingMessages(o, catalog));
        // Chinese as characters, not numeric entities: readable source, and a third of the bytes.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        return services;
    }

    /// <summary>Chinese or English from the language cookie (default Chinese), for workspace requests only.</summary>
    public static WebApplication UseStaffWorkspace(this WebApplication app)
    {
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Cultures[0]),
            SupportedCultures = Cultures,
            SupportedUICultures = Cultures,
        };
        // The choice is the user's (the language switch), not the browser's Accept-Language: the registry is Chinese first.
        options.RequestCultureProviders = [new CookieRequestCultureProvider()];
        app.UseWhen(IsStaffRequest, branch => branch.UseRequestLocalization(options));
        return app;
    }

    /// <summary>Maps the workspace's pages.</summary>
    public static WebApplication MapStaffWorkspace(this WebApplication app)
    {
        app.MapRazorPages();
        return app;
    }

    /// <summary>The framework's model-binding messages ("The value '' is invalid.") from the catalogue, in the request's language.</summary>
    private static void LocalizeBindingMessages(MvcOptions options, StringCatalog catalog)
    {
        string Text(string key) => catalog.Find(key, StringCatalog.LanguageOf(CultureInfo.CurrentUICulture)) ?? key;
        var messages = options.ModelBindingMessageProvider;
        messages.SetValueMustNotBeNullAccessor(_ => Text("staff.binding.required"));
        messages.SetMissingBindRequiredValueAccessor(_ => Text("staff.binding.required"));
        messages.SetMissingKeyOrValueAccessor(() => Text("staff.binding.required"));
        messages.SetValueIsInvalidAccessor(_ => Text("staff.binding.invalid"));
        messages.SetAttemptedValueIsInvalidAccessor((_, _) => Text("staff.binding.invalid"));
        messages.SetNonPropertyAttemptedValueIsInvalidAccessor(_ => Text("staff.binding.invalid"));
        messages.SetUnknownValueIsInvalidAccessor(_ => Text("staff.binding.invalid"));
        messages.SetNonPropertyUnknownValueIsInvalidAccessor(() => Text("staff.binding.invalid"));
        messages.SetValueMustBeANumberAccessor(_ => Text("staff.binding.number"));
        messages.SetNonPropertyValueMustBeANumberAccessor(() => Text("staff.binding.number"));
        messages.SetMissingRequestBodyRequiredValueAccessor(() => Text("staff.binding.required"));
    }
}
