using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// A partial index of the live demo facilities, for the question the map page (<c>MapPageDemoNotice</c>, at most
    /// every 5 s) and <c>/api/v1/config</c> ask: are demo facilities loaded? The only index on <c>source</c> is partial
    /// on <c>external_id</c>, so the answer was a sequential scan of <c>facilities</c>: 347 ms at 1 M facilities without
    /// demo rows (session 8). Empty on a county's server, so it costs writes nothing. No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261211100000_DemoFacilitiesIndex")]
    public partial class DemoFacilitiesIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE INDEX ix_facilities_demo ON facilities (id) WHERE source = 'demo' AND deleted_at IS NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_facilities_demo;");
        }
    }
}
