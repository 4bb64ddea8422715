using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// Partial indexes for the composed district panel (Features/Coverage/CoverageComposition.cs): a prefecture's or the
    /// province's figures are added up from its counties' only while no record of it lies outside its county (its township
    /// in another county, or its district a prefecture's or township's own code), and every composed read checks that
    /// (<c>CoverageSql.OutsideCounty</c>). Each index holds exactly those records of a table the figures read (ordinarily
    /// none), so the check is a probe of an empty index instead of a scan of the district's rows. No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261209100000_CoverageComposition")]
    public partial class CoverageComposition : Migration
    {
        private static readonly string[] Tables = ["facilities", "road_segments", "renovation_cases", "reports"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Tables)
            {
                migrationBuilder.Sql($"""
                    CREATE INDEX IF NOT EXISTS ix_{table}_outside_county ON {table} (district_code)
                      WHERE (left(township_code, 6) <> district_code OR length(district_code) <> 6 OR right(district_code, 2) = '00');
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Tables)
            {
                migrationBuilder.Sql($"DROP INDEX IF EXISTS ix_{table}_outside_county;");
            }
        }
    }
}
