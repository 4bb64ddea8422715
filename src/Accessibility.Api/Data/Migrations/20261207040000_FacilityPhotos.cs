using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// Photos attached to a facility (an inspector's picture of a ramp, taken when registering or editing it), kept
    /// apart from inspection and defect photos: who attached which photo when. Read and written with SQL in
    /// Features/Facilities/FacilitySql.cs. No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261207040000_FacilityPhotos")]
    public partial class FacilityPhotos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE facility_photos (
                  facility_id bigint NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
                  photo_id uuid NOT NULL REFERENCES photos (id),
                  attached_by bigint NULL,
                  attached_at timestamptz NOT NULL,
                  CONSTRAINT pk_facility_photos PRIMARY KEY (facility_id, photo_id));
                CREATE INDEX ix_facility_photos_photo_id ON facility_photos (photo_id);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE facility_photos;");
        }
    }
}
