using System.Globalization;
using Coffer.Server.Problems;

namespace Coffer.Server.Features.Versioning;

/// <summary>
/// Writes <c>Deprecation</c> (RFC 9745), <c>Sunset</c> (RFC 8594) and <c>Link</c> (<c>successor-version</c>, RFC 5829;
/// <c>deprecation</c>, RFC 9745 §3, to the OpenAPI document that describes the change) on every response of a deprecated
/// endpoint, errors included, so a client learns of the change whatever it gets back. From the sunset on, the endpoint
/// answers 410 <c>gone</c> before authentication, limits or the handler: nothing runs, and the fields and the detail
/// name the successor.
/// </summary>
internal static class DeprecationHeaders
{
    public static IApplicationBuilder UseDeprecationHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<DeprecationMetadata>() is not { } deprecation)
        {
            await next(context);
            return;
        }

        var successor = deprecation.SuccessorFor(context.Request.RouteValues);
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers["Deprecation"] = deprecation.DeprecationField;
            headers["Sunset"] = deprecation.SunsetField;
            headers.Append("Link", $"<{successor}>; rel=\"successor-version\", <{OpenApi.ApiDocument.Path}>; rel=\"deprecation\"; type=\"application/json\"");
            return Task.CompletedTask;
        });

        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (now >= deprecation.Sunset)
        {
            await Problem.WriteAsync(
                context,
                ProblemType.Gone,
                $"{context.Request.Method} {context.Request.Path} was retired on {deprecation.Sunset.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC. Use {context.Request.Method} {successor} instead (see {OpenApi.ApiDocument.Path}).");
            return;
        }

        await next(context);
    });
}
