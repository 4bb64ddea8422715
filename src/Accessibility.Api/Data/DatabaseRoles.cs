using Npgsql;

namespace Accessibility.Api.Data;

/// <summary>
/// The runtime role's rights, granted by the owner after every migration so that tables added later are covered:
/// read and write on the data tables and their sequences; on <c>audit_entries</c> only SELECT and INSERT (the audit
/// log is append-only, and as neither owner nor superuser the runtime role cannot TRUNCATE, ALTER it or disable its
/// trigger); on the migrations history only SELECT; on the records' history tables only SELECT (the owner's triggers
/// write them, docs/history.md). Rights held beyond these are taken back.
/// </summary>
public static class DatabaseRoles
{
    /// <summary>The table whose rows the runtime role may add but never change or remove.</summary>
    public const string AuditTable = "audit_entries";

    /// <summary>EF's migrations history: migrations are the owner's business.</summary>
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    /// <summary>
    /// One statement per object owned by the connected role in its schema: first every right revoked, then the
    /// runtime role's granted. Identifiers are quoted by PostgreSQL's <c>format</c>.
    /// </summary>
    private const string GrantStatementsSql = """
        SELECT format('REVOKE ALL ON %s FROM %I', c.oid::regclass, @role),
               format('GRANT %s ON %s TO %I',
                      CASE WHEN c.relkind = 'S' THEN 'USAGE, SELECT, UPDATE'
                           WHEN c.relname = @audit THEN 'SELECT, INSERT'
                           WHEN c.relname = @history THEN 'SELECT'
                           WHEN c.relname IN (SELECT table_name || '_history' FROM registry_history_tables)
                             OR c.relname = 'registry_history_tables' THEN 'SELECT'
                           ELSE 'SELECT, INSERT, UPDATE, DELETE' END,
                      CASE WHEN c.relkind = 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || c.oid::regclass, @role)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
        ORDER BY c.relname
        """;

    /// <summary>Grants <paramref name="runtimeRole"/> its rights on every table the connected owner owns, in one transaction.</summary>
    public static async Task GrantRuntimeRightsAsync(NpgsqlConnection ownerConnection, string runtimeRole, CancellationToken ct)
    {
        var statements = new List<string>();
        await using (var query = new NpgsqlCommand(GrantStatementsSql, ownerConnection))
        {
            query.Parameters.AddWithValue("role", runtimeRole);
            query.Parameters.AddWithValue("audit", AuditTable);
            query.Parameters.AddWithValue("history", MigrationsHistoryTable);
            await using var reader = await query.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                statements.Add(reader.GetString(0));
                statements.Add(reader.GetString(1));
            }
        }

        await using var transaction = await ownerConnection.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(ownerConnection, transaction);
        foreach (var statement in statements)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
        }

        await batch.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
    }
}
