using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// A GiST index of the open primary reports' locations (not a duplicate, status new or accepted): the only reports a
    /// new filing's duplicate search may link to (<c>ReportSql.SearchSql</c>, same predicate). Through the index of every
    /// report's location, the search at a hot spot fetched and discarded every duplicate already linked there: at 64
    /// clients a fifth of the reports fall within 10 m of one spot, so each of those searches read thousands of rows,
    /// and the search held its cell locks meanwhile (pg_stat_activity sampled during bench/intake.sh: the search was
    /// 82 % of the writers' samples on CPU, and 45 % of all their active samples were waits for the cell locks;
    /// bench/README.md, session 8). Here a hot spot holds one primary a category. No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261211110000_OpenPrimaryReportsIndex")]
    public partial class OpenPrimaryReportsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_reports_open_primaries ON reports USING gist (location)
                  WHERE duplicate_of_id IS NULL AND status IN ('new', 'accepted');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_reports_open_primaries;");
        }
    }
}
