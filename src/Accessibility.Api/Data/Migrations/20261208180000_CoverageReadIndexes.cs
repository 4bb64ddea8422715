using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// An index for the toilet reach of the district indicators (Features/Coverage/CoverageSql.cs): every public
    /// building, bus stop and renovated household of a district asks whether an operational accessible toilet lies within
    /// the radius, and through the GiST index of all facilities each probe read the dozens of other facilities near the
    /// point (at 1 M facilities, 14 % of a county's read; bench/README.md). This partial GiST index holds the operational
    /// toilets alone, a small share of the facilities, so a probe reads only toilets. No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261208180000_CoverageReadIndexes")]
    public partial class CoverageReadIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX IF NOT EXISTS ix_facilities_operational_toilets ON facilities USING gist (geometry)
                  WHERE kind = 'accessible_toilet' AND status = 'operational' AND deleted_at IS NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_facilities_operational_toilets;");
        }
    }
}
