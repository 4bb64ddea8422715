using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// <c>registry_output_geometry(geom, decimals)</c>: a stored geometry as every output writes it (docs/served-geometry.md).
    /// Rounding a valid polygon's coordinates to the decimals a format writes can make it invalid (a ring
    /// touching itself, a sliver collapsing to too few points); <c>ST_ReducePrecision</c> (GEOS ≥ 3.9, OverlayNG) rounds
    /// to the grid and keeps it valid, and <c>ST_ForcePolygonCCW</c> gives RFC 7946's right-hand rule (exterior
    /// counter-clockwise, holes clockwise). Points are returned as stored (rounding never invalidates a point); lines
    /// are snapped to the grid, which drops the repeated vertices rounding makes. A multi-part input stays multi-part,
    /// so a layer's declared type holds. <c>decimals</c> NULL: full precision, orientation only (GeoPackage and the
    /// evidence package, which write doubles). No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261207106000_OutputGeometry")]
    public partial class OutputGeometry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION registry_output_geometry(geom geometry, decimals integer) RETURNS geometry
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                  SELECT CASE
                    WHEN geom IS NULL THEN NULL
                    WHEN ST_Dimension(geom) = 0 THEN geom
                    WHEN decimals IS NULL THEN ST_ForcePolygonCCW(geom)
                    WHEN ST_Dimension(geom) = 1 THEN ST_SnapToGrid(geom, power(10.0::float8, -decimals))
                    WHEN GeometryType(geom) LIKE 'MULTI%' THEN ST_ForcePolygonCCW(ST_Multi(ST_ReducePrecision(geom, power(10.0::float8, -decimals))))
                    ELSE ST_ForcePolygonCCW(ST_ReducePrecision(geom, power(10.0::float8, -decimals)))
                  END
                $$;
                COMMENT ON FUNCTION registry_output_geometry(geometry, integer) IS
                  'A geometry as served at DECIMALS decimals: valid (ST_ReducePrecision), polygons right-hand (ST_ForcePolygonCCW); NULL decimals: orientation only.';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION registry_output_geometry(geometry, integer);");
        }
    }
}
