using Coffer.Server.Problems;

namespace Coffer.Server.Features.Versioning;

/// <summary>
/// The one way to deprecate an endpoint: <c>.Deprecated(deprecation, sunset, successor)</c> on its route. Dates that
/// contradict each other fail while the routes are mapped, so such a server never starts.
/// </summary>
internal static class Deprecations
{
    public static RouteHandlerBuilder Deprecated(this RouteHandlerBuilder builder, DateTimeOffset deprecation, DateTimeOffset sunset, string successor)
    {
        // RFC 8594 §3 / RFC 9745 §3: a resource is not retired before it is deprecated.
        if (sunset < deprecation)
        {
            throw new InvalidOperationException($"An endpoint's sunset ({sunset:O}) is earlier than its deprecation ({deprecation:O}); RFC 9745 forbids that.");
        }

        if (!successor.StartsWith("/api/", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"A deprecated endpoint's successor must be a path of this API (/api/...), not '{successor}'.");
        }

        return builder
            .WithMetadata(new DeprecationMetadata(deprecation.ToUniversalTime(), sunset.ToUniversalTime(), successor))
            .ProducesProblem(ProblemType.Gone.Status, Problem.ContentType);
    }
}
