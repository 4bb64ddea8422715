using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.Localization;

namespace Accessibility.Api.Infrastructure.Staff;

/// <summary>
/// Marks a form control whose value has an error: <c>aria-invalid="true"</c> and the error message's id added to
/// <c>aria-describedby</c> (after any hint already there), so a screen reader reads the error with the field.
/// </summary>
[HtmlTargetElement("input", Attributes = ForAttribute)]
[HtmlTargetElement("select", Attributes = ForAttribute)]
[HtmlTargetElement("textarea", Attributes = ForAttribute)]
public sealed class InvalidFieldTagHelper : TagHelper
{
    private const string ForAttribute = "asp-for";

    /// <summary>The bound property.</summary>
    [HtmlAttributeName(ForAttribute)]
    public ModelExpression? For { get; set; }

    /// <summary>The view (for its model state).</summary>
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext? ViewContext { get; set; }

    /// <summary>After the framework's input tag helper, which sets the id.</summary>
    public override int Order => 1000;

    /// <inheritdoc />
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (For is null || ViewContext is null)
        {
            return;
        }

        var name = ViewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(For.Name);
        if (ViewContext.ViewData.ModelState.TryGetValue(name, out var entry) && entry.Errors.Count > 0)
        {
            output.Attributes.SetAttribute("aria-invalid", "true");
            var errorId = FieldErrorTagHelper.ErrorId(name);
            var described = output.Attributes.TryGetAttribute("aria-describedby", out var existing) ? existing.Value + " " + errorId : errorId;
            output.Attributes.SetAttribute("aria-describedby", described);
        }
    }
}

/// <summary>
/// <c>&lt;field-error for="Input.Name" /&gt;</c>: the field's error message (GOV.UK pattern: "错误：…" above the control),
/// or nothing when the field has none. Its id is what <see cref="InvalidFieldTagHelper"/> points the control at.
/// </summary>
[HtmlTargetElement("field-error", Attributes = "for", TagStructure = TagStructure.WithoutEndTag)]
public sealed class FieldErrorTagHelper(IStringLocalizer localizer) : TagHelper
{
    /// <summary>The bound property.</summary>
    [HtmlAttributeName("for")]
    public ModelExpression? For { get; set; }

    /// <summary>The view (for its model state).</summary>
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext? ViewContext { get; set; }

    /// <summary>The id of a field's error message.</summary>
    public static string ErrorId(string fullName) => TagBuilder.CreateSanitizedId(fullName, "_") + "-error";

    /// <inheritdoc />
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.TagName = null;
        output.TagMode = TagMode.StartTagAndEndTag;
        if (For is null || ViewContext is null)
        {
            return;
        }

        var name = ViewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(For.Name);
        if (!ViewContext.ViewData.ModelState.TryGetValue(name, out var entry) || entry.Errors.Count == 0)
        {
            return;
        }

        var p = new TagBuilder("p");
        p.Attributes["id"] = ErrorId(name);
        p.AddCssClass("field-error");
        var hidden = new TagBuilder("span");
        hidden.AddCssClass("visually-hidden");
        hidden.InnerHtml.Append(localizer["staff.error.prefix"].Value);
        p.InnerHtml.AppendHtml(hidden);
        p.InnerHtml.Append(string.Join(" ", entry.Errors.Select(e => e.ErrorMessage)));
        output.Content.SetHtmlContent(p);
    }
}
