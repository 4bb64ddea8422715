using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore.Migrations;
using NetTopologySuite.Geometries;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Renovations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "renovation_budgets",
                columns: table => new
                {
                    district_code = table.Column<string>(type: "character varying(12)", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    allocated = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_renovation_budgets", x => new { x.district_code, x.year });
                    table.CheckConstraint("ck_renovation_budgets_allocated", "allocated >= 0");
                    table.ForeignKey(
                        name: "fk_renovation_budgets_districts_district_code",
                        column: x => x.district_code,
                        principalTable: "districts",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "renovation_cases",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    district_code = table.Column<string>(type: "character varying(12)", nullable: false),
                    township_code = table.Column<string>(type: "character varying(12)", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    status_changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    person_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    id_number_cipher = table.Column<byte[]>(type: "bytea", nullable: false),
                    id_number_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    phone_cipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    birth_year = table.Column<int>(type: "integer", nullable: false),
                    disability_category = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    disability_grade = table.Column<short>(type: "smallint", nullable: false),
                    mobility_aids = table.Column<List<string>>(type: "text[]", nullable: false),
                    eligibility = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    lives_alone = table.Column<bool>(type: "boolean", nullable: false),
                    address = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    location = table.Column<Point>(type: "geometry(Point,4490)", nullable: false),
                    barriers = table.Column<List<string>>(type: "text[]", nullable: false),
                    assessment_note = table.Column<string>(type: "text", nullable: true),
                    items = table.Column<JsonArray>(type: "jsonb", nullable: false),
                    cost_estimate = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: true),
                    subsidy = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: true),
                    own_contribution = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: true),
                    final_cost = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: true),
                    contractor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    photos_before = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    photos_after = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    acceptance_note = table.Column<string>(type: "text", nullable: true),
                    satisfaction = table.Column<short>(type: "smallint", nullable: true),
                    satisfaction_comment = table.Column<string>(type: "text", nullable: true),
                    closing_reason = table.Column<string>(type: "text", nullable: true),
                    identified_on = table.Column<DateOnly>(type: "date", nullable: false),
                    approved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    contracted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    source = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_renovation_cases", x => x.id);
                    table.CheckConstraint("ck_renovation_cases_costs", "(cost_estimate IS NULL OR cost_estimate >= 0) AND (subsidy IS NULL OR subsidy >= 0) AND (own_contribution IS NULL OR own_contribution >= 0) AND (final_cost IS NULL OR final_cost >= 0)");
                    table.CheckConstraint("ck_renovation_cases_grade", "disability_grade IN (1, 2)");
                    table.CheckConstraint("ck_renovation_cases_satisfaction", "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5");
                    table.ForeignKey(
                        name: "fk_renovation_cases_districts_district_code",
                        column: x => x.district_code,
                        principalTable: "districts",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_renovation_cases_districts_township_code",
                        column: x => x.township_code,
                        principalTable: "districts",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "renovation_district_settings",
                columns: table => new
                {
                    district_code = table.Column<string>(type: "character varying(12)", nullable: false),
                    weights = table.Column<JsonObject>(type: "jsonb", nullable: false),
                    eligible_households = table.Column<int>(type: "integer", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_renovation_district_settings", x => x.district_code);
                    table.CheckConstraint("ck_renovation_settings_eligible", "eligible_households IS NULL OR eligible_households >= 0");
                    table.ForeignKey(
                        name: "fk_renovation_district_settings_districts_district_code",
                        column: x => x.district_code,
                        principalTable: "districts",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "renovation_case_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    case_id = table.Column<long>(type: "bigint", nullable: false),
                    from_status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    to_status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    user_id = table.Column<long>(type: "bigint", nullable: true),
                    actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_renovation_case_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_renovation_case_events_renovation_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "renovation_cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_renovation_case_events_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_renovation_case_events_case_id_at",
                table: "renovation_case_events",
                columns: new[] { "case_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_renovation_case_events_user_id",
                table: "renovation_case_events",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_renovation_cases_district_code_status",
                table: "renovation_cases",
                columns: new[] { "district_code", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_renovation_cases_id_number_hash",
                table: "renovation_cases",
                column: "id_number_hash");

            migrationBuilder.CreateIndex(
                name: "ix_renovation_cases_location",
                table: "renovation_cases",
                column: "location")
                .Annotation("Npgsql:IndexMethod", "gist");

            migrationBuilder.CreateIndex(
                name: "ix_renovation_cases_township_code",
                table: "renovation_cases",
                column: "township_code");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "renovation_budgets");

            migrationBuilder.DropTable(
                name: "renovation_case_events");

            migrationBuilder.DropTable(
                name: "renovation_district_settings");

            migrationBuilder.DropTable(
                name: "renovation_cases");
        }
    }
}
