using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Coffer.Server.Problems;

/// <summary>Builds and writes RFC 9457 problem responses with Coffer's stable types.</summary>
internal static class Problem
{
    public const string ContentType = "application/problem+json";

    public static ProblemDetails Details(ProblemType type, string? detail) => new()
    {
        Type = type.Uri,
        Title = type.Title,
        Status = type.Status,
        Detail = detail,
    };

    public static ProblemHttpResult Result(ProblemType type, string? detail) => TypedResults.Problem(Details(type, detail));

    /// <summary>A problem with extension members (RFC 9457 §3.2), e.g. the order constraint that refused a request.</summary>
    public static ProblemHttpResult Result(ProblemType type, string? detail, IReadOnlyDictionary<string, object?> extensions)
    {
        var details = Details(type, detail);
        foreach (var (key, value) in extensions)
        {
            details.Extensions[key] = value;
        }

        return TypedResults.Problem(details);
    }

    public static async Task WriteAsync(HttpContext context, ProblemType type, string? detail)
    {
        context.Response.StatusCode = type.Status;
        var details = Details(type, detail);
        details.Instance = context.Request.Path;
        await context.Response.WriteAsJsonAsync(details, (System.Text.Json.JsonSerializerOptions?)null, ContentType, context.RequestAborted);
    }
}
