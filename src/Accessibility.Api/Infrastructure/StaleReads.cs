using Npgsql;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// Connections for public reads that may lag the last commit by a standby's replay delay: tiles, public lists and the
/// OGC items. They are opened here and nowhere else, so where such reads go (the primary, or a streaming replica with
/// read-your-own-writes to the primary) is decided in one place. Until a standby is configured: the primary.
/// The caller disposes the connection.
/// </summary>
public sealed class StaleReads(NpgsqlDataSource primary)
{
    /// <summary>Opens a connection for a read of <paramref name="http"/>'s request that may be slightly stale.</summary>
    public ValueTask<NpgsqlConnection> OpenAsync(HttpContext http, CancellationToken cancellationToken)
    {
        _ = http; // the request decides read-your-own-writes once a standby exists
        return primary.OpenConnectionAsync(cancellationToken);
    }
}
