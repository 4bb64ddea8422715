using Accessibility.Api.Features.AnnualReports;
using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Coverage;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Evaluations;
using Accessibility.Api.Features.Evidence;
using Accessibility.Api.Features.Exports;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Grids;
using Accessibility.Api.Features.Imports;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.Ogc;
using Accessibility.Api.Features.Patrols;
using Accessibility.Api.Features.PlanTargets;
using Accessibility.Api.Features.Projects;
using Accessibility.Api.Features.Projects.Pages;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Features.Reports;
using Accessibility.Api.Features.Renovations;
using Accessibility.Api.Features.Roads;
using Accessibility.Api.Features.Sharing;
using Accessibility.Api.Features.Surveys;
using Accessibility.Api.Features.Tiles;

namespace Accessibility.Api.Features;

/// <summary>One line per feature: its services, and its endpoints.</summary>
internal static class FeatureRegistration
{
    public static IServiceCollection AddRegistryFeatures(this IServiceCollection services)
    {
        services.AddRegistryAuthentication();
        services.AddScoped<AuditLog>();
        services.AddDistricts();
        services.AddInspections();
        services.AddDefects();
        services.AddPhotos();
        services.AddFacilities();
        services.AddRoads();
        services.AddReports();
        services.AddRenovations();
        services.AddImports();
        services.AddCoverage();
        services.AddSharing();
        services.AddPlanTargets();
        services.AddAnnualReports();
        services.AddSurveys();
        services.AddProjects();
        services.AddProjectPages();
        services.AddPatrols();
        services.AddAuditTrail();
        services.AddUserAdministration();
        services.AddGrids();
        services.AddTiles();
        return services;
    }

    public static WebApplication UseRegistryAuth(this WebApplication app)
    {
        app.UseRegistryAuthentication();
        app.UseRateLimiter();
        return app;
    }

    public static IEndpointRouteBuilder MapRegistryFeatures(this IEndpointRouteBuilder app)
    {
        app.MapDistricts();
        app.MapPlanTargets();
        app.MapAuthEndpoints();
        app.MapUsersEndpoints();
        app.MapFacilityEndpoints();
        app.MapProjectEndpoints();
        app.MapRoadEndpoints();
        app.MapInspectionEndpoints();
        app.MapDefectEndpoints();
        app.MapAuditEndpoints();
        app.MapPhotoEndpoints();
        app.MapOpen311Endpoints();
        app.MapReportEndpoints();
        app.MapOgcEndpoints();
        app.MapExportEndpoints();
        app.MapRenovationEndpoints();
        app.MapCoverageEndpoints();
        app.MapProjectList();
        app.MapAnnualReportEndpoints();
        app.MapEvaluationEndpoints();
        app.MapEvidenceEndpoints();
        app.MapTileEndpoints();
        app.MapImportEndpoints();
        app.MapGridEndpoints();
        app.MapPatrolEndpoints();
        app.MapApiKeyEndpoints();
        app.MapSurveyEndpoints();
        return app;
    }
}
