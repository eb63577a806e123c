using System.Globalization;

namespace Coffer.Server.Features.Versioning;

/// <summary>
/// Endpoint metadata saying an endpoint is deprecated (RFC 9745), when it stops answering (RFC 8594) and which route
/// replaces it. Read by <see cref="DeprecationHeaders"/> for the response fields and by the OpenAPI transformer for
/// <c>deprecated: true</c>, so the two can never disagree.
/// </summary>
/// <param name="Deprecation">When the endpoint is (or was) deprecated; its behaviour does not change at this moment.</param>
/// <param name="Sunset">From this moment on the endpoint answers 410 <c>gone</c>; never earlier than <paramref name="Deprecation"/>.</param>
/// <param name="Successor">The route template of the replacement, e.g. <c>/api/v1/tokens/{accessor}/access-log</c>.</param>
internal sealed record DeprecationMetadata(DateTimeOffset Deprecation, DateTimeOffset Sunset, string Successor)
{
    /// <summary>RFC 9745 §2.1: a structured-field Date (RFC 9651 §3.3.7), <c>@</c> and Unix seconds.</summary>
    public string DeprecationField => "@" + Deprecation.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>RFC 8594 §3: an HTTP-date, the IMF-fixdate form (RFC 9110 §5.6.7), always in GMT.</summary>
    public string SunsetField => Sunset.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    /// <summary>The successor's path for one request: the template's <c>{name}</c> parameters filled from its route values.</summary>
    public string SuccessorFor(RouteValueDictionary values)
    {
        var path = Successor;
        foreach (var (name, value) in values)
        {
            if (value is not null)
            {
                path = path.Replace("{" + name + "}", Uri.EscapeDataString(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty), StringComparison.OrdinalIgnoreCase);
            }
        }

        return path;
    }
}
