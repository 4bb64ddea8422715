using Accessibility.Api.Features.Audit;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Districts;
using Accessibility.Api.Features.Defects;
using Accessibility.Api.Features.Facilities;
using Accessibility.Api.Features.Inspections;
using Accessibility.Api.Features.Photos;
using Accessibility.Api.Features.Reports;
using Accessibility.Api.Features.PlanTargets;
using Accessibility.Api.Features.Renovations;
using Accessibility.Api.Features.Roads;
using Accessibility.Api.Features.Sharing;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Accessibility.Api.Data;

/// <summary>The registry's one database context.</summary>
public sealed class RegistryDbContext(DbContextOptions<RegistryDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>SRID of every stored geometry: CGCS2000.</summary>
    public const int Srid = 4490;

    /// <summary>Administrative divisions.</summary>
    public DbSet<District> Districts => Set<District>();

    /// <summary>Plan targets.</summary>
    public DbSet<PlanTarget> PlanTargets => Set<PlanTarget>();

    /// <summary>Facilities.</summary>
    public DbSet<Facility> Facilities => Set<Facility>();

    /// <summary>Road segments.</summary>
    public DbSet<RoadSegment> RoadSegments => Set<RoadSegment>();

    /// <summary>Inspections.</summary>
    public DbSet<Inspection> Inspections => Set<Inspection>();

    /// <summary>Months between inspections, per facility kind (copied from the kind catalog at start-up).</summary>
    public DbSet<KindInspectionInterval> KindInspectionIntervals => Set<KindInspectionInterval>();

    /// <summary>Defects found by inspections.</summary>
    public DbSet<Defect> Defects => Set<Defect>();

    /// <summary>Defect history.</summary>
    public DbSet<DefectEvent> DefectEvents => Set<DefectEvent>();

    /// <summary>Append-only audit log.</summary>
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>Uploaded photos, re-encoded without metadata, with thumbnails.</summary>
    public DbSet<Photo> Photos => Set<Photo>();

    /// <summary>Public reports.</summary>
    public DbSet<Report> Reports => Set<Report>();

    /// <summary>Public history of reports.</summary>
    public DbSet<ReportEvent> ReportEvents => Set<ReportEvent>();

    /// <summary>Outbox of notifications to reporters.</summary>
    public DbSet<ReportNotification> ReportNotifications => Set<ReportNotification>();

    /// <summary>Household renovation cases (personal data: ID and phone encrypted).</summary>
    public DbSet<RenovationCase> RenovationCases => Set<RenovationCase>();

    /// <summary>Workflow transitions of renovation cases.</summary>
    public DbSet<RenovationCaseEvent> RenovationCaseEvents => Set<RenovationCaseEvent>();

    /// <summary>Per-district renovation settings (priority weights, eligible households).</summary>
    public DbSet<RenovationDistrictSettings> RenovationDistrictSettings => Set<RenovationDistrictSettings>();

    /// <summary>Renovation budgets by district and year.</summary>
    public DbSet<RenovationBudget> RenovationBudgets => Set<RenovationBudget>();

    /// <summary>User accounts.</summary>
    public DbSet<UserAccount> Users => Set<UserAccount>();

    /// <summary>Personal API tokens.</summary>
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    /// <summary>Signed-in browser sessions; a cookie whose session is gone is refused.</summary>
    public DbSet<UserSession> UserSessions => Set<UserSession>();

    /// <summary>Failed sign-ins by client address, by typed user name and by both.</summary>
    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();

    /// <summary>Departments' read-only API keys.</summary>
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>Requests per API key, day, layer and route.</summary>
    public DbSet<ApiKeyUsage> ApiKeyUsage => Set<ApiKeyUsage>();

    /// <summary>
    /// Data-protection keys (they sign the session cookie and antiforgery tokens), kept in the database so that
    /// every instance behind a load balancer accepts every other's cookies.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("postgis");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RegistryDbContext).Assembly);
    }
}
