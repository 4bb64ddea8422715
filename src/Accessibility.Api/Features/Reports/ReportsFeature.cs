using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Accessibility.Api.Features.Reports;

/// <summary>Services of the reports feature: intake, limits, notifications, and one per triage use case.</summary>
internal static class ReportsFeature
{
    /// <summary>
    /// Intake and the per-IP limiter of anonymous filing (ASP.NET Core's rate limiter: 429 with Retry-After).
    /// Signed-in callers (a hotline's Bearer token, staff) are not limited.
    /// </summary>
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddOptions<ReportOptions>().BindConfiguration(ReportOptions.Section);
        services.AddSingleton<ReportDeviceLimiter>();
        services.AddScoped<ReportIntake>();
        services.AddSingleton<ReportFilingQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<ReportFilingQueue>());
        services.AddScoped<ReportTriageQueue>();
        services.AddScoped<ReportStep>();
        services.AddScoped<AcceptReport>();
        services.AddScoped<RejectReport>();
        services.AddScoped<MergeReport>();
        services.AddScoped<UnmergeReport>();
        services.AddScoped<ReopenReport>();
        services.TryAddSingleton<IReportNotificationSender, LogReportNotificationSender>();
        services.AddSingleton<ReportNotificationDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ReportNotificationDispatcher>());
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
                    ? (int)Math.Ceiling(after.TotalSeconds)
                    : http.RequestServices.GetRequiredService<IOptions<ReportOptions>>().Value.WindowSeconds;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                var format = http.Request.Path.Value?.EndsWith(".xml", StringComparison.Ordinal) == true ? "xml" : "json";
                await Open311Format.Error(format, StatusCodes.Status429TooManyRequests, "Too many reports from this address; try again later.").ExecuteAsync(http);
            };
            o.AddPolicy(Open311Endpoints.RateLimitPolicy, http =>
            {
                if (http.User.Identity?.IsAuthenticated == true)
                {
                    return RateLimitPartition.GetNoLimiter("signed-in");
                }

                var limits = http.RequestServices.GetRequiredService<IOptions<ReportOptions>>().Value;
                var ip = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(ip, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.PerIpPermits,
                    Window = TimeSpan.FromSeconds(limits.WindowSeconds),
                    QueueLimit = 0,
                });
            });
        });
        return services;
    }
}
