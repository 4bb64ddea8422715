namespace Accessibility.Api.Features.Surveys;

/// <summary>The social satisfaction survey (社会满意度调查): its template and use cases, shared by the API and the staff pages.</summary>
internal static class SurveysFeature
{
    /// <summary>The template (loaded once) and one service per use case.</summary>
    public static IServiceCollection AddSurveys(this IServiceCollection services)
    {
        services.AddSingleton(sp => new SurveyTemplate(Path.Combine(sp.GetRequiredService<RegistryPaths>().DataDir, "survey-template.json")));
        services.AddScoped<OpenSurvey>();
        services.AddScoped<CloseSurvey>();
        services.AddScoped<AnswerSurvey>();
        return services;
    }
}
