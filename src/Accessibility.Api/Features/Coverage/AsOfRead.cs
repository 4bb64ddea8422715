using Accessibility.Api.Infrastructure;
using Accessibility.Api.Infrastructure.History;

namespace Accessibility.Api.Features.Coverage;

/// <summary>
/// The as-of read a coverage request asks for (<c>asOf</c>, <c>knownAt</c>; docs/history.md): none (today, the plain
/// tables), a date as known now, or a date as known at a pinned instant.
/// </summary>
/// <param name="Parsed">The read as parsed, its knowledge the time of parsing when not pinned; null for today.</param>
/// <param name="KnownAtPinned">Whether the caller named <c>knownAt</c>.</param>
public sealed record AsOfRead(AsOf? Parsed, bool KnownAtPinned)
{
    /// <summary>Today's read: the plain tables.</summary>
    public static readonly AsOfRead Today = new(null, false);

    /// <summary>Reads query parameters <c>asOf</c> and <c>knownAt</c> (<see cref="AsOf.Parse"/>), errors by name.</summary>
    public static AsOfRead Parse(string? asOf, string? knownAt, TimeProvider clock, FieldErrors errors)
    {
        var parsed = AsOf.Parse(asOf, knownAt, clock, errors);
        return new AsOfRead(parsed, parsed is not null && !string.IsNullOrWhiteSpace(knownAt));
    }

    /// <summary>
    /// The part of a cache key that tells reads apart: null for today; the date and, when pinned, the knowledge instant.
    /// An unpinned read (known now) needs no instant in its key: what the registry knows about a past date changes only
    /// by a write (a late correction), and every write changes its district's change stamp, which is in the key too; the
    /// date fixes the read's "today", so the clock does not change it. A pinned read never changes at all.
    /// </summary>
    public (DateOnly Date, DateTimeOffset? KnownAt)? Key =>
        Parsed is { } a ? (a.Date, KnownAtPinned ? a.KnownAt.ToUniversalTime() : null) : null;

    /// <summary>
    /// The read to run once the change stamps have been read: an unpinned read takes its knowledge from now, so that
    /// every write the stamps reflect (recorded before they were read) is in the figures cached under them.
    /// </summary>
    public AsOf? After(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return Parsed is { } a && !KnownAtPinned ? a with { KnownAt = clock.GetUtcNow() } : Parsed;
    }
}
