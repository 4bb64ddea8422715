namespace Accessibility.Api.Features.Auth;

/// <summary>
/// Failed sign-ins counted under one key: a client address (<c>ip:…</c>), a typed user name (<c>account:…</c>, whether or
/// not such an account exists) or the pair of both (<c>pair:…</c>). Kept in the database so that every instance of the
/// service throttles the same way.
/// </summary>
public sealed class SignInThrottle
{
    /// <summary>What is counted: <c>ip:ADDRESS</c>, <c>account:NAME</c> or <c>pair:ADDRESS NAME</c>.</summary>
    public required string Key { get; set; }

    /// <summary>Failures since the count last started (it restarts after a quiet <see cref="SignInThrottling.Window"/>).</summary>
    public int Failures { get; set; }

    /// <summary>The latest failure.</summary>
    public DateTimeOffset LastFailureAt { get; set; }

    /// <summary>Attempts under this key are refused (429) until then.</summary>
    public DateTimeOffset? BlockedUntil { get; set; }
}
