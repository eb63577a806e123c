using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Coffer.Server.Features.Sys;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Coffer.Server.Features.OpenApi;

/// <summary>
/// Adds to each operation what the endpoint's metadata says and the framework does not write: the scopes of its
/// authorization policy (the policies are <c>RequireClaim(scope, …)</c>, so the claims requirements are the scopes), the
/// bearer scheme, and the problem responses it can give whatever its handler returns.
/// </summary>
internal sealed class ApiOperationTransformer(IAuthorizationPolicyProvider policies) : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document ?? throw new InvalidOperationException("The operation transformer runs without its document.");
        ApiDocument.EnsureComponents(document);
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var access = await EndpointAccess.ReadAsync(metadata, policies);

        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
        if (access.Anonymous)
        {
            operation.Extensions[ApiDocument.AnonymousExtension] = new JsonNodeExtension(JsonValue.Create(true));
            operation.Security = [];
            Append(operation, "**Authentication:** none.");
        }
        else
        {
            DescribeAccess(operation, document, access);
        }

        if (metadata.OfType<Identity.StepUpMetadata>().Any())
        {
            operation.Extensions[ApiDocument.StepUpExtension] = new JsonNodeExtension(JsonValue.Create(true));
            Append(operation, "**Step-up:** always; send `" + Identity.StepUp.Header + ": totp=<code>` or `" + Identity.StepUp.Header
                + ": passkey=<assertion>` (a challenge from POST /api/v1/auth/passkeys/step-up), else 403 `step-up-required`.");
        }

        var deprecation = metadata.OfType<Versioning.DeprecationMetadata>().FirstOrDefault();
        if (deprecation is not null)
        {
            Deprecate(operation, document, description, deprecation);
        }

        AddProblems(operation, document, description, access, metadata);
        if (deprecation is not null)
        {
            DescribeDeprecationFields(operation);
        }
    }

    /// <summary>The fields every response of a deprecated operation carries, errors included.</summary>
    private static void DescribeDeprecationFields(OpenApiOperation operation)
    {
        foreach (var response in operation.Responses!.Values.OfType<OpenApiResponse>())
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
            response.Headers["Deprecation"] = Field("RFC 9745: when the operation was deprecated, as `@<unix seconds>`.");
            response.Headers["Sunset"] = Field("RFC 8594: from when the operation answers 410 `gone`, an HTTP-date.");
            response.Headers["Link"] = Field("The successor (`rel=\"successor-version\"`) and this document (`rel=\"deprecation\"`).");
        }

        static OpenApiHeader Field(string text) => new() { Description = text, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
    }

    /// <summary>OpenAPI 3.1 §4.8.10 <c>deprecated</c>, with the dates and the successor a client needs to move in time.</summary>
    private static void Deprecate(OpenApiOperation operation, OpenApiDocument document, ApiDescription description, Versioning.DeprecationMetadata deprecation)
    {
        operation.Deprecated = true;
        operation.Extensions![ApiDocument.SunsetExtension] = new JsonNodeExtension(JsonValue.Create(deprecation.Sunset.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        operation.Extensions[ApiDocument.SuccessorExtension] = new JsonNodeExtension(JsonValue.Create(deprecation.Successor));
        var method = (description.HttpMethod ?? "GET").ToUpperInvariant();
        Append(operation, "**Deprecated** since " + deprecation.Deprecation.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            + "; use `" + method + " " + deprecation.Successor + "`, which answers the same. From the sunset, "
            + deprecation.Sunset.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC, this operation answers 410 `gone`. "
            + "Every response carries `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and `Link: <successor>; rel=\"successor-version\"`.");
        Add(operation, document, StatusCodes.Status410Gone, "Past its sunset, the endpoint is retired (`gone`); the detail and `Link` name the successor.");
    }

    private static void DescribeAccess(OpenApiOperation operation, OpenApiDocument document, EndpointAccess access)
    {
        // Each requirement is one scope, or one of several; a token needs every requirement. Alternatives become separate
        // security requirement objects (OpenAPI 3.1 §4.8.30: any one of them suffices).
        var scopes = new JsonArray();
        foreach (var group in access.Scopes)
        {
            scopes.Add(group.Count == 1 ? JsonValue.Create(group[0]) : new JsonArray([.. group.Select(s => (JsonNode)JsonValue.Create(s))]));
        }

        operation.Extensions![ApiDocument.ScopesExtension] = new JsonNodeExtension(scopes);
        IEnumerable<IReadOnlyList<string>> combinations = [[]];
        foreach (var group in access.Scopes)
        {
            combinations = [.. combinations.SelectMany(c => group.Select(s => (IReadOnlyList<string>)[.. c, s]))];
        }

        operation.Security = [.. combinations.Select(c => new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(ApiDocument.BearerScheme, document)] = [.. c],
        })];

        var words = new List<string>();
        if (access.Scopes.Count > 0)
        {
            words.Add("**Scopes:** " + string.Join(" and ", access.Scopes.Select(g => string.Join(" or ", g.Select(s => "`" + s + "`")))) + ".");
        }

        if (access.TokenKinds.Count > 0)
        {
            operation.Extensions[ApiDocument.TokenKindsExtension] = new JsonNodeExtension(new JsonArray([.. access.TokenKinds.Select(k => (JsonNode)JsonValue.Create(k))]));
            words.Add("**Token kinds:** " + string.Join(" or ", access.TokenKinds.Select(k => "`" + k + "`")) + " (a person's token).");
        }

        if (access.Scopes.Count == 0 && access.TokenKinds.Count == 0)
        {
            operation.Extensions[ApiDocument.AnyTokenExtension] = new JsonNodeExtension(JsonValue.Create(true));
            words.Add("**Authentication:** any valid token, no scope needed.");
        }

        Append(operation, string.Join(" ", words));
    }

    private static void AddProblems(OpenApiOperation operation, OpenApiDocument document, ApiDescription description, EndpointAccess access, IList<object> metadata)
    {
        operation.Responses ??= [];
        var method = description.HttpMethod ?? "GET";
        var path = "/" + description.RelativePath;
        var hasBody = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body);
        var hasRouteParameter = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Path);
        var returnsProblems = metadata.OfType<MethodInfo>().Any(m => Mentions(m.ReturnType, typeof(ProblemHttpResult)));

        if (hasBody || description.ParameterDescriptions.Count > 0 || returnsProblems)
        {
            Add(operation, document, StatusCodes.Status400BadRequest, "The request is malformed or a value is out of range (`invalid-request`, `invalid-argument`, …).");
        }

        if (!access.Anonymous)
        {
            Add(operation, document, StatusCodes.Status401Unauthorized, "No valid token (`unauthorized`), or a DPoP-bound token without a valid DPoP proof (`invalid-dpop-proof`).");
        }

        if (!access.Anonymous || !HttpMethods.IsGet(method))
        {
            Add(operation, document, StatusCodes.Status403Forbidden, "The token lacks a scope, may not be used from this address, or a cookie session's antiforgery header is missing (`forbidden`, `ip-not-allowed`, `antiforgery-failed`, `step-up-required`, …).");
        }

        if (hasRouteParameter)
        {
            Add(operation, document, StatusCodes.Status404NotFound, "No such resource, or not the caller's (`not-found`).");
        }

        if (hasBody)
        {
            Add(operation, document, StatusCodes.Status413PayloadTooLarge, "The body is larger than the server accepts (`payload-too-large`).");
            Add(operation, document, StatusCodes.Status415UnsupportedMediaType, "The body is not `application/json` (`unsupported-media-type`).");
        }

        Add(operation, document, StatusCodes.Status429TooManyRequests, "A rate limit or the token's daily quota was hit (`rate-limited`, `quota-exceeded`, `account-locked`); see `Retry-After` and the `RateLimit` fields.");
        Add(operation, document, StatusCodes.Status500InternalServerError, "A bug or an outage, logged with the trace id in `detail` (`internal-error`).");
        if (!(HttpMethods.IsGet(method) && SysEndpoints.AllowedWhenSealed.Contains(path)))
        {
            Add(operation, document, StatusCodes.Status503ServiceUnavailable, "The vault is sealed or not initialized, or the audit log or key provider is unavailable (`sealed`, `not-initialized`, `audit-unavailable`, `key-provider-failure`).");
        }

        if (returnsProblems)
        {
            // The handler returns problems of its own whose statuses its type does not say (ProblemHttpResult).
            Add(operation, document, null, "Another problem the handler returns; `type` says which.");
        }
    }

    private static void Add(OpenApiOperation operation, OpenApiDocument document, int? status, string text)
    {
        var key = status?.ToString(CultureInfo.InvariantCulture) ?? "default";
        if (!operation.Responses!.TryGetValue(key, out var response))
        {
            response = new OpenApiResponse { Description = text };
            operation.Responses[key] = response;
        }

        if (response is OpenApiResponse concrete)
        {
            concrete.Content ??= new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
            concrete.Content[Problem.ContentType] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ApiDocument.ProblemSchema, document) };
        }
    }

    private static bool Mentions(Type type, Type wanted) =>
        type == wanted || (type.IsGenericType && type.GetGenericArguments().Any(a => Mentions(a, wanted)));

    private static void Append(OpenApiOperation operation, string text) =>
        operation.Description = string.IsNullOrEmpty(operation.Description) ? text : operation.Description + "\n\n" + text;
}

/// <summary>Who may call an endpoint, read from its authorization metadata as the authorization middleware reads it.</summary>
internal sealed record EndpointAccess(bool Anonymous, IReadOnlyList<IReadOnlyList<string>> Scopes, IReadOnlyList<string> TokenKinds)
{
    public static async Task<EndpointAccess> ReadAsync(IList<object> metadata, IAuthorizationPolicyProvider policies)
    {
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return new(true, [], []);
        }

        var policy = await AuthorizationPolicy.CombineAsync(policies, metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>());
        if (policy is null)
        {
            return new(true, [], []);
        }

        var claims = policy.Requirements.OfType<ClaimsAuthorizationRequirement>().ToList();
        IReadOnlyList<IReadOnlyList<string>> scopes = [.. claims
            .Where(c => c.ClaimType == TokenAuthenticationHandler.ScopeClaim && c.AllowedValues is { } values && values.Any())
            .Select(c => (IReadOnlyList<string>)[.. c.AllowedValues!])];
        IReadOnlyList<string> kinds = [.. claims
            .Where(c => c.ClaimType == TokenAuthenticationHandler.KindClaim && c.AllowedValues is not null)
            .SelectMany(c => c.AllowedValues!)
            .Distinct(StringComparer.Ordinal)];
        return new(false, scopes, kinds);
    }
}
