using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// A waiver belongs to the stage whose check it waives (a design deviation accepted at design review does not
    /// waive the same item failing at acceptance) and names that check; one waiver per planned facility, stage and item.
    /// Read and written with SQL in Features/Projects/ProjectSql.cs. No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261207101000_ProjectWaiverStage")]
    public partial class ProjectWaiverStage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE project_waivers
                  ADD COLUMN stage varchar(30) NOT NULL DEFAULT 'acceptance' CHECK (stage IN ('design-review', 'acceptance')),
                  ADD COLUMN project_check_id bigint REFERENCES project_checks(id) ON DELETE CASCADE;
                ALTER TABLE project_waivers ALTER COLUMN stage DROP DEFAULT;
                CREATE UNIQUE INDEX ix_project_waivers_item ON project_waivers (project_facility_id, stage, item_code);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS ix_project_waivers_item;
                ALTER TABLE project_waivers DROP COLUMN IF EXISTS project_check_id, DROP COLUMN IF EXISTS stage;
                """);
        }
    }
}
