using Microsoft.AspNetCore.Http.Metadata;

namespace Accessibility.Api.Infrastructure;

/// <summary>
/// A per-endpoint body limit (boundary files, photos) above the global one. As endpoint metadata it is applied
/// by routing before anything reads the body, so an oversized upload is refused with 413 while the client
/// still waits on <c>Expect: 100-continue</c>.
/// </summary>
/// <param name="MaxRequestBodySize">Largest body in bytes.</param>
public sealed record BodySizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
