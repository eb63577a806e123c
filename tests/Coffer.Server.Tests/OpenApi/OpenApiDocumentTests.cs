using System.Net;
using System.Text.Json;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Coffer.Server.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.OpenApi;

/// <summary>
/// The CI check of issue 7 §3: the served document against the running server's own routes. Every /api/v1 route and
/// method is documented, every protected operation names its scopes, every <c>$ref</c> resolves, and every documented
/// status is one the endpoint can give. The server is fresh, so sealed: the document answers while sealed.
/// </summary>
public sealed class OpenApiDocumentTests : ServerTest
{
    private const string DocumentPath = "/openapi/v1.json";

    /// <summary>What any endpoint can answer whatever its handler returns (binding, authentication, limits, seal, bugs).</summary>
    private static readonly HashSet<string> SharedErrors = ["400", "401", "403", "404", "413", "415", "429", "500", "503"];

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    [Fact]
    public async Task Document_AnonymousWhileSealed_IsOpenApi31WithTitleAndVersion()
    {
        Assert.True(Server.Vault.IsSealed);
        using var response = await Server.Client.GetAsync(DocumentPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.StartsWith("3.1", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("Coffer API", root.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal(Features.Sys.SysEndpoints.Version, root.GetProperty("info").GetProperty("version").GetString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Document_ParsedByOpenApiReader_HasNoErrors()
    {
        var text = await Server.Client.GetStringAsync(DocumentPath);

        var result = Microsoft.OpenApi.OpenApiDocument.Parse(text, "json");

        Assert.Empty(result.Diagnostic?.Errors.Select(e => e.Pointer + ": " + e.Message) ?? []);
        Assert.NotNull(result.Document);
    }

    [Fact]
    public async Task Document_EveryApiRoute_IsDocumented()
    {
        var paths = (await GetDocumentAsync()).RootElement.GetProperty("paths");

        var missing = ApiRoutes().Where(r => !Documented(paths, r.Path, r.Method)).Select(r => r.Method + " " + r.Path).ToList();

        Assert.NotEmpty(ApiRoutes());
        Assert.Empty(missing);
    }

    [Fact]
    public async Task Document_NoOperationWithoutRoute()
    {
        var routes = ApiRoutes().Select(r => (r.Method, Path: Normalize(r.Path))).ToHashSet();

        var extra = Operations(await GetDocumentAsync()).Where(o => !routes.Contains((o.Method, Normalize(o.Path)))).Select(o => o.Method + " " + o.Path).ToList();

        Assert.Empty(extra);
    }

    [Fact]
    public async Task Document_EveryProtectedOperation_NamesScopesOrAnyToken()
    {
        using var document = await GetDocumentAsync();
        var problems = new List<string>();
        foreach (var route in ApiRoutes())
        {
            var operation = Operation(document, route.Path, route.Method);
            var name = route.Method + " " + route.Path;
            var anonymous = route.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            if (anonymous)
            {
                if (!Flag(operation, "x-coffer-anonymous") || (operation.TryGetProperty("security", out var open) && open.GetArrayLength() > 0))
                {
                    problems.Add(name + ": anonymous, but not documented as such");
                }

                continue;
            }

            var scopes = operation.TryGetProperty("x-coffer-scopes", out var s) ? s.EnumerateArray().Select(e => e.ToString()).ToList() : [];
            var kinds = operation.TryGetProperty("x-coffer-token-kinds", out var k) ? k.GetArrayLength() : 0;
            if (scopes.Count == 0 && kinds == 0 && !Flag(operation, "x-coffer-any-token"))
            {
                problems.Add(name + ": names no scope, token kind, or 'any token'");
            }

            if (scopes.Any(scope => !Scopes.All.Contains(scope)))
            {
                problems.Add(name + ": names an unknown scope: " + string.Join(", ", scopes));
            }

            if (!operation.TryGetProperty("security", out var security) || security.GetArrayLength() == 0
                || !security.EnumerateArray().All(r => r.TryGetProperty("bearer", out var listed) && scopes.All(x => listed.EnumerateArray().Any(l => l.GetString() == x))))
            {
                problems.Add(name + ": no bearer security requirement with its scopes");
            }

            if (scopes.Any(x => !(operation.GetProperty("description").GetString() ?? string.Empty).Contains('`' + x + '`', StringComparison.Ordinal)))
            {
                problems.Add(name + ": the description does not name its scopes");
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public async Task Document_KnownEndpoints_CarryTheirPolicyScopes()
    {
        using var document = await GetDocumentAsync();

        Assert.Equal(["orders:write"], ScopesOf(Operation(document, "/api/v1/orders", "post")));
        Assert.Equal(["audit:read"], ScopesOf(Operation(document, "/api/v1/audit", "get")));
        Assert.Equal(["notifications:read"], ScopesOf(Operation(document, "/api/v1/notifications", "get")));
        Assert.Equal(["sys:seal"], ScopesOf(Operation(document, "/api/v1/sys/seal", "post")));
        Assert.True(Flag(Operation(document, "/api/v1/tokens/self", "get"), "x-coffer-any-token"));
        Assert.Equal(["session", "trader"], Operation(document, "/api/v1/auth/me", "get").GetProperty("x-coffer-token-kinds").EnumerateArray().Select(e => e.GetString()));
        Assert.True(Flag(Operation(document, "/api/v1/sys/health", "get"), "x-coffer-anonymous"));
        var bearer = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        Assert.Contains("cookie", bearer.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_StepUpEndpoints_AreMarkedAndNoOthers()
    {
        using var document = await GetDocumentAsync();

        var wrong = ApiRoutes()
            .Where(r => (r.Endpoint.Metadata.GetMetadata<Features.Identity.StepUpMetadata>() is not null) != Flag(Operation(document, r.Path, r.Method), "x-coffer-step-up"))
            .Select(r => r.Method + " " + r.Path).ToList();

        Assert.Empty(wrong);
        Assert.True(Flag(Operation(document, "/api/v1/connections", "post"), "x-coffer-step-up"));
        Assert.Contains("Coffer-Step-Up", Operation(document, "/api/v1/auth/2fa/totp", "delete").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_DeprecatedEndpoints_AreMarkedWithSunsetAndSuccessor_AndNoOthers()
    {
        using var document = await GetDocumentAsync();

        var wrong = ApiRoutes()
            .Where(r => (r.Endpoint.Metadata.GetMetadata<Features.Versioning.DeprecationMetadata>() is not null) != Flag(Operation(document, r.Path, r.Method), "deprecated"))
            .Select(r => r.Method + " " + r.Path).ToList();

        Assert.Empty(wrong);
        var log = Operation(document, "/api/v1/tokens/{accessor}/log", "get");
        Assert.True(Flag(log, "deprecated"));
        Assert.Equal("2027-07-01T00:00:00Z", log.GetProperty("x-coffer-sunset").GetString());
        Assert.Equal("/api/v1/tokens/{accessor}/access-log", log.GetProperty("x-coffer-successor").GetString());
        Assert.Contains("/api/v1/tokens/{accessor}/access-log", log.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("#/components/schemas/Problem", log.GetProperty("responses").GetProperty("410").GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.All(log.GetProperty("responses").EnumerateObject(), r => Assert.True(r.Value.GetProperty("headers").TryGetProperty("Sunset", out _), r.Name + " does not list Sunset"));
        Assert.False(Flag(Operation(document, "/api/v1/tokens/{accessor}/access-log", "get"), "deprecated"));
    }

    [Fact]
    public async Task Document_EveryRef_Resolves()
    {
        using var document = await GetDocumentAsync();
        var refs = new List<string>();
        CollectRefs(document.RootElement, refs);

        var broken = refs.Distinct(StringComparer.Ordinal).Where(r => Resolve(document.RootElement, r) is null).ToList();

        Assert.NotEmpty(refs);
        Assert.Empty(broken);
    }

    [Fact]
    public async Task Document_EveryStatus_IsOneTheEndpointCanGive()
    {
        using var document = await GetDocumentAsync();
        var problems = new List<string>();
        foreach (var route in ApiRoutes())
        {
            var name = route.Method + " " + route.Path;
            var responses = Operation(document, route.Path, route.Method).GetProperty("responses");
            var documented = responses.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

            // The handler's own statuses: what its TypedResults declare (IEndpointMetadataProvider), as the framework reads them.
            var declared = route.Endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>()
                .Select(p => p.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
            var anonymous = route.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var hasParameter = route.Endpoint.RoutePattern.Parameters.Count > 0;
            foreach (var status in documented)
            {
                var possible = declared.Contains(status)
                    || (SharedErrors.Contains(status) && !(status == "401" && anonymous) && !(status == "404" && !hasParameter))
                    || (status == "default" && ReturnsProblems(route.Endpoint));
                if (!possible)
                {
                    problems.Add(name + ": documents " + status + ", which it cannot give");
                }
            }

            problems.AddRange(declared.Where(s => s.StartsWith('2') && !documented.Contains(s)).Select(s => name + ": gives " + s + " but does not document it"));
            foreach (var status in documented.Where(s => SharedErrors.Contains(s) && !declared.Contains(s)))
            {
                if (!responses.GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out var problem)
                    || problem.GetProperty("schema").GetProperty("$ref").GetString() != "#/components/schemas/Problem")
                {
                    problems.Add(name + ": " + status + " is not an application/problem+json Problem");
                }
            }

            if (!anonymous && !documented.Contains("401"))
            {
                problems.Add(name + ": needs a token but does not document 401");
            }

            if (hasParameter && !documented.Contains("404"))
            {
                problems.Add(name + ": has a route parameter but does not document 404");
            }

            if (!documented.Contains("429"))
            {
                problems.Add(name + ": every request is rate limited, but 429 is not documented");
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public async Task Document_SealedAnswer_DocumentedWhereTheSealGateRefuses()
    {
        using var document = await GetDocumentAsync();

        Assert.True(Operation(document, "/api/v1/orders", "post").GetProperty("responses").TryGetProperty("503", out _));
        Assert.False(Operation(document, "/api/v1/sys/health", "get").GetProperty("responses").TryGetProperty("503", out _));
    }

    [Fact]
    public async Task Document_ProblemSchema_ListsEveryProblemType()
    {
        using var document = await GetDocumentAsync();
        var type = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("Problem").GetProperty("properties").GetProperty("type");
        var known = type.GetProperty("examples").EnumerateArray().Select(e => e.GetString()).ToHashSet(StringComparer.Ordinal);

        Assert.All(ProblemType.All, p => Assert.Contains(p.Uri, known));
        Assert.Contains("urn:coffer:problem:sealed", known);
        Assert.Contains("urn:coffer:problem:unknown-exchange", known);
        Assert.Matches(type.GetProperty("pattern").GetString()!, "urn:coffer:problem:rate-limited");
    }

    private async Task<JsonDocument> GetDocumentAsync() => JsonDocument.Parse(await Server.Client.GetStringAsync(DocumentPath));

    /// <summary>The server's real routes under /api/v1, each with every HTTP method it answers.</summary>
    private List<(string Path, string Method, RouteEndpoint Endpoint)> ApiRoutes() =>
    [
        .. Server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && ("/" + raw.TrimStart('/')).StartsWith("/api/v1/", StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => (Template(e.RoutePattern), m.ToLowerInvariant(), e))),
    ];

    /// <summary>The path as OpenAPI writes it: parameters by name, without constraints.</summary>
    private static string Template(RoutePattern pattern) => "/" + string.Join('/', pattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
    {
        RoutePatternLiteralPart literal => literal.Content,
        RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
        RoutePatternSeparatorPart separator => separator.Content,
        _ => throw new InvalidOperationException("Unknown route part " + p.GetType().Name),
    })))) + (pattern.RawText!.EndsWith('/') ? "/" : string.Empty);

    /// <summary>A route answers with and without a trailing slash, so the two spellings are one path.</summary>
    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    private static bool Documented(JsonElement paths, string path, string method) =>
        paths.EnumerateObject().Any(p => Normalize(p.Name) == Normalize(path) && p.Value.TryGetProperty(method, out _));

    private static JsonElement Operation(JsonDocument document, string path, string method) =>
        document.RootElement.GetProperty("paths").EnumerateObject().First(p => Normalize(p.Name) == Normalize(path)).Value.GetProperty(method);

    private static IEnumerable<(string Path, string Method)> Operations(JsonDocument document) =>
        document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)).Select(o => (p.Name, o.Name)));

    private static List<string?> ScopesOf(JsonElement operation) => [.. operation.GetProperty("x-coffer-scopes").EnumerateArray().Select(e => e.GetString())];

    private static bool Flag(JsonElement operation, string name) => operation.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static bool ReturnsProblems(Endpoint endpoint) =>
        endpoint.Metadata.OfType<System.Reflection.MethodInfo>().Any(m => Mentions(m.ReturnType));

    private static bool Mentions(Type type) =>
        type == typeof(Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult) || (type.IsGenericType && type.GetGenericArguments().Any(Mentions));

    private static void CollectRefs(JsonElement element, List<string> refs)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "$ref" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        refs.Add(property.Value.GetString()!);
                    }
                    else
                    {
                        CollectRefs(property.Value, refs);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectRefs(item, refs);
                }

                break;
        }
    }

    /// <summary>A local JSON pointer (RFC 6901) into the document; null when it leads nowhere or is not local.</summary>
    private static JsonElement? Resolve(JsonElement root, string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        var current = root;
        foreach (var raw in reference[2..].Split('/'))
        {
            var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(token, out current))
            {
                return null;
            }
        }

        return current;
    }
}
