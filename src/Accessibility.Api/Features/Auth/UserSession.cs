namespace Accessibility.Api.Features.Auth;

/// <summary>
/// A signed-in browser session. Its id travels in the (encrypted) session cookie and is looked up on every request,
/// so deleting the row ends the session wherever the cookie has been copied to.
/// </summary>
public sealed class UserSession
{
    /// <summary>Random identifier, carried in the session cookie.</summary>
    public Guid Id { get; set; }

    /// <summary>The signed-in account.</summary>
    public long UserId { get; set; }

    /// <summary>Account navigation.</summary>
    public UserAccount? User { get; set; }

    /// <summary>When the session began (sign-in); a session ends at the latest <see cref="UserSessions.MaxLifetime"/> later.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Client address at sign-in, for the administrator's eyes.</summary>
    public string? RemoteAddress { get; set; }
}
