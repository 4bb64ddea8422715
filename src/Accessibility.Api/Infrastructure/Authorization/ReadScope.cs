using System.Security.Claims;
using System.Text;
using Accessibility.Api.Features.Auth;
using Accessibility.Api.Features.Sharing;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace Accessibility.Api.Infrastructure.Authorization;

/// <summary>
/// The districts a caller may read records of one kind in, computed once from the caller by the rule table
/// (<see cref="AccessRules"/>) and handed to every list, export, OGC and tile query, which turns it into one
/// parameterised condition <c>district_code LIKE ANY(@read_scope)</c>: everything (public data, system administrators),
/// the prefixes of a role's districts or of an API key's, or nothing. No query filters rows in memory.
/// </summary>
public sealed class ReadScope
{
    private ReadScope(string[]? likePatterns) => LikePatterns = likePatterns;

    /// <summary>Every district.</summary>
    public static ReadScope Everything { get; } = new(null);

    /// <summary>No district.</summary>
    public static ReadScope Nothing { get; } = new([]);

    /// <summary>SQL <c>LIKE</c> patterns (code prefix and <c>%</c>; digits only, so no stray wildcard), or null for every district.</summary>
    public string[]? LikePatterns { get; }

    /// <summary>True when the scope is every district.</summary>
    public bool IsEverything => LikePatterns is null;

    /// <summary>The scope of prefixes of <paramref name="districtCodes"/> (GB/T 2260 nesting, <see cref="DistrictScope.Prefix"/>).</summary>
    public static ReadScope Of(IEnumerable<string> districtCodes) =>
        new([.. districtCodes.Select(c => DistrictScope.Prefix(c) + "%").Distinct(StringComparer.Ordinal)]);

    /// <summary>What <paramref name="user"/> may <paramref name="operation"/> of <paramref name="kind"/>, as districts.</summary>
    public static ReadScope For(ClaimsPrincipal user, string kind, OperationAuthorizationRequirement operation)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(operation);
        if (!AccessRules.Allows(user, operation.Name, new RegistryResource(kind, null)))
        {
            return Nothing;
        }

        if (ApiKeyScope.Of(user) is { } key)
        {
            return new ReadScope(key.LikePatterns);
        }

        return AccessRules.Table[(kind, operation.Name)].Public || user.IsInRole(Roles.SystemAdmin) ? Everything : Of(AccessRules.Districts(user));
    }

    /// <summary><see cref="For(ClaimsPrincipal, string, OperationAuthorizationRequirement)"/> of the request's caller.</summary>
    public static ReadScope For(HttpContext http, string kind, OperationAuthorizationRequirement operation)
    {
        ArgumentNullException.ThrowIfNull(http);
        return For(http.User, kind, operation);
    }

    /// <summary>Whether <paramref name="districtCode"/> lies inside the scope.</summary>
    public bool Covers(string districtCode) =>
        LikePatterns is null || LikePatterns.Any(p => districtCode.StartsWith(p[..^1], StringComparison.Ordinal));

    /// <summary>
    /// Appends <c>AND {column} LIKE ANY(@read_scope)</c> unless the scope is everything. <paramref name="column"/> is a
    /// fixed fragment of the query, never input.
    /// </summary>
    public void AppendFilter(StringBuilder sql, NpgsqlCommand command, string column)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(command);
        if (LikePatterns is null)
        {
            return;
        }

        sql.Append(" AND ").Append(column).Append(" LIKE ANY(@read_scope)");
        command.Parameters.Add(Parameter());
    }

    /// <summary>
    /// The parameter <c>@read_scope</c> for fixed SQL that reads
    /// <c>(@read_scope::text[] IS NULL OR x.district_code LIKE ANY(@read_scope))</c>: the patterns, or null for everything.
    /// </summary>
    public NpgsqlParameter Parameter() =>
        new("read_scope", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = LikePatterns is null ? DBNull.Value : LikePatterns };
}
