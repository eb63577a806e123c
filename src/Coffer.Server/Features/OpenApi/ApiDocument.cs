using System.Text.Json.Nodes;
using Coffer.Server.Features.Sys;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Coffer.Server.Features.OpenApi;

/// <summary>
/// The public API's description: an OpenAPI 3.1 document at <c>/openapi/v1.json</c> covering every <c>/api/v1</c>
/// endpoint (issue 7 §3). Schemas come from the handlers' <c>TypedResults</c> and parameters, which
/// Microsoft.AspNetCore.OpenApi reads; <see cref="ApiOperationTransformer"/> adds what the framework cannot see: the
/// scopes of each endpoint's authorization policy, the bearer scheme and the problem responses every endpoint can give.
/// The document is anonymous and answers while sealed: it describes the API and holds nothing about this server's
/// data, configuration or state.
/// </summary>
internal static class ApiDocument
{
    public const string Name = "v1";
    public const string Path = "/openapi/" + Name + ".json";
    public const string Title = "Coffer API";
    public const string ApiPrefix = "/api/v1";
    public const string BearerScheme = "bearer";
    public const string ProblemSchema = "Problem";
    public const string ScopesExtension = "x-coffer-scopes";
    public const string TokenKindsExtension = "x-coffer-token-kinds";
    public const string AnyTokenExtension = "x-coffer-any-token";
    public const string AnonymousExtension = "x-coffer-anonymous";
    public const string StepUpExtension = "x-coffer-step-up";
    public const string SunsetExtension = "x-coffer-sunset";
    public const string SuccessorExtension = "x-coffer-successor";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) => services.AddOpenApi(Name, options =>
    {
        options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;

        // Only the versioned public API: the web app's files and the document itself are not part of it.
        options.ShouldInclude = description => ("/" + description.RelativePath).StartsWith(ApiPrefix + "/", StringComparison.OrdinalIgnoreCase);
        options.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        });
        options.AddOperationTransformer<ApiOperationTransformer>();
    });

    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(Path).AllowAnonymous();
        return app;
    }

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = Title,
            Version = SysEndpoints.Version,
            Description = "The API of a Coffer server. Every operation lists the token scopes it needs in `" + ScopesExtension
                + "` and in its description; scopes are explicit (`admin` implies no other). Errors are RFC 9457 problem "
                + "details (`application/problem+json`) whose `type` is a stable `" + ProblemType.UriPrefix + "<slug>` URN: "
                + "switch on it, never on the title. While the vault is sealed every operation but sys/health, sys/status, "
                + "sys/init, sys/unseal and auth/antiforgery answers 503.",
        };
        EnsureComponents(document);
    }

    /// <summary>The shared bearer scheme and Problem schema; idempotent, as each operation's transformer calls it.</summary>
    internal static void EnsureComponents(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes.TryAdd(BearerScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "cof_<kind>_<secret>_<checksum>",
            Description = "A Coffer token in `Authorization: Bearer <token>` (RFC 6750). The web app sends the same "
                + "`session` token in the HTTP-only `__Host-coffer_session` cookie instead; a state-changing request "
                + "authenticated by that cookie must also carry the `X-Coffer-Antiforgery` header from "
                + "GET /api/v1/auth/antiforgery. Scopes are checked the same way for both.",
        });
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas.TryAdd(ProblemSchema, Problem());
    }

    /// <summary>RFC 9457 problem details with Coffer's types; extension members (RFC 9457 §3.2) are allowed.</summary>
    private static OpenApiSchema Problem()
    {
        var slugs = ProblemType.All.Select(p => p.Slug).Order(StringComparer.Ordinal).ToList();
        var types = new List<JsonNode>(slugs.Select(s => (JsonNode)JsonValue.Create(ProblemType.UriPrefix + s)));
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 9457 problem. `type` is one of Coffer's problem types: " + string.Join(", ", slugs)
                + " (each as `" + ProblemType.UriPrefix + "<slug>`); a bare framework status without one of its own is `"
                + ProblemType.UriPrefix + "http-<status>`.",
            Required = new HashSet<string>(StringComparer.Ordinal) { "type", "title", "status" },
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
            {
                ["type"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Pattern = "^" + ProblemType.UriPrefix + "[a-z0-9-]+$",
                    Description = "The stable problem type. Known values: " + string.Join(", ", types.Select(t => t.GetValue<string>())) + ".",
                    Examples = types,
                },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short, human-readable summary of the type." },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "What happened and what to do about it." },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "The request path." },
            },
        };
    }
}
