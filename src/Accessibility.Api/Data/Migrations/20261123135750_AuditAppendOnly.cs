using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Accessibility.Api.Data.Migrations
{
    /// <summary>
    /// Makes audit_entries append-only in the database itself: a trigger rejects UPDATE and DELETE.
    /// TRUNCATE (test resets, a deliberate wipe by the owner) is not affected. No model change.
    /// </summary>
    [DbContext(typeof(RegistryDbContext))]
    [Migration("20261123135750_AuditAppendOnly")]
    public partial class AuditAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_entries_append_only() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION 'audit_entries is append-only: % is not allowed', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
                END
                $$;
                CREATE TRIGGER audit_entries_append_only
                  BEFORE UPDATE OR DELETE ON audit_entries
                  FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries;
                DROP FUNCTION IF EXISTS audit_entries_append_only();
                """);
        }
    }
}
