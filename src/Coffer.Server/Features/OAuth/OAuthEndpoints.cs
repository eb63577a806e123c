using System.Text.Json;
using System.Text.Json.Serialization;
using Coffer.Server.Data;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.OAuth;

/// <summary>
/// The OAuth 2.0 authorization server (RFC 6749 as profiled by RFC 9700): metadata (RFC 8414), the authorization
/// endpoint (code + PKCE S256 only), the token endpoint (authorization_code, refresh_token, client_credentials),
/// revocation (RFC 7009) and introspection (RFC 7662). Errors are RFC 6749 §5.2 JSON, which OAuth clients parse; the
/// two errors of the authorization endpoint that must not redirect (bad client or redirect URI) are Coffer problems.
/// </summary>
internal static class OAuthEndpoints
{
    public const string PathPrefix = "/oauth";
    public const string MetadataPath = "/.well-known/oauth-authorization-server";
    public const string ConsentPagePrefix = "/consent/";
    private const int MaxState = 1000;

    private static readonly string[] ResponseTypes = ["code"];

    private static long _lastSweepTicks;
    private static readonly string[] ResponseModes = ["query"];
    private static readonly string[] GrantTypes = [OAuthGrants.AuthorizationCode, "refresh_token", OAuthGrants.ClientCredentials];
    private static readonly string[] ChallengeMethods = [Pkce.S256];
    private static readonly string[] ClientAuthMethods = ["client_secret_basic", "client_secret_post", "none"];
    private static readonly string[] ConfidentialAuthMethods = ["client_secret_basic", "client_secret_post"];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IServiceCollection AddOAuth(this IServiceCollection services)
    {
        services.AddSingleton<OAuthIssuer>();
        services.AddSingleton<OAuthGrants>();
        services.AddSingleton<ClientAuthentication>();
        services.AddSingleton<OAuthDpop>();
        return services;
    }

    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(MetadataPath, Metadata).WithTags("oauth").ExcludeFromDescription();
        var oauth = app.MapGroup(PathPrefix).WithTags("oauth").ExcludeFromDescription();
        oauth.MapGet("/authorize", Authorize);
        oauth.MapPost("/token", Token).DisableAntiforgery();
        oauth.MapPost("/revoke", Revoke).DisableAntiforgery();
        oauth.MapPost("/introspect", Introspect).DisableAntiforgery();
        app.MapAppEndpoints();
        app.MapConsentEndpoints();
        return app;
    }

    /// <summary>RFC 8414 §2: what a client needs to talk to this server, with no secret in it.</summary>
    internal static IResult Metadata(OAuthIssuer issuer) => Results.Json(
        new Dictionary<string, object>
        {
            ["issuer"] = issuer.Value,
            ["authorization_endpoint"] = issuer.Url(PathPrefix + "/authorize"),
            ["token_endpoint"] = issuer.Url(PathPrefix + "/token"),
            ["revocation_endpoint"] = issuer.Url(PathPrefix + "/revoke"),
            ["introspection_endpoint"] = issuer.Url(PathPrefix + "/introspect"),
            ["response_types_supported"] = ResponseTypes,
            ["response_modes_supported"] = ResponseModes,
            ["grant_types_supported"] = GrantTypes,
            ["code_challenge_methods_supported"] = ChallengeMethods,
            ["token_endpoint_auth_methods_supported"] = ClientAuthMethods,
            ["revocation_endpoint_auth_methods_supported"] = ClientAuthMethods,
            ["introspection_endpoint_auth_methods_supported"] = ConfidentialAuthMethods,
            ["scopes_supported"] = Scopes.All.Where(s => !AppEndpoints.NeverForApps.Contains(s)).Order(StringComparer.Ordinal).ToArray(),
            ["dpop_signing_alg_values_supported"] = OAuthDpop.Algorithms,
            ["authorization_response_iss_parameter_supported"] = true,
            ["service_documentation"] = issuer.Url("/openapi/v1.json"),
        },
        Json);

    /// <summary>
    /// RFC 6749 §4.1.1 with RFC 7636 and RFC 9700 §2.1: checks the client and redirect URI first — if either is wrong the
    /// user is told here and never sent anywhere — then everything else, answering errors on the redirect URI. A valid
    /// request waits (<see cref="OAuthLifetimes.Request"/>) for the user on the web app's consent page.
    /// </summary>
    internal static async Task<IResult> Authorize(HttpContext http, IDbContextFactory<CofferDb> factory, OAuthIssuer issuer, TimeProvider time, CancellationToken cancellationToken)
    {
        NoStore(http);
        var query = http.Request.Query;
        string? clientId, redirectUri, state;
        try
        {
            clientId = ClientAuthentication.Single(query["client_id"], "client_id");
            redirectUri = ClientAuthentication.Single(query["redirect_uri"], "redirect_uri");
            state = ClientAuthentication.Single(query["state"], "state");
        }
        catch (OAuthException e)
        {
            return Problem.Result(ProblemType.InvalidRequest, e.Message);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var app = clientId is null ? null : await db.Table<OAuthAppRow>().AsNoTracking().SingleOrDefaultAsync(a => a.ClientId == clientId, cancellationToken);
        if (app is null || app.DisabledAt is not null)
        {
            return Problem.Result(ProblemType.InvalidRequest, "This link is from an app Coffer does not know (client_id unknown or the app was disabled). Nothing was shared; close this page.");
        }

        var registered = AppEndpoints.SplitUris(app.RedirectUris);
        var redirectGiven = redirectUri is not null;
        if (redirectUri is null)
        {
            if (registered.Count != 1)
            {
                return Problem.Result(ProblemType.InvalidRequest, "The app did not say where to return you (redirect_uri) and has several registered. Nothing was shared; tell the app's makers.");
            }

            redirectUri = registered[0];
        }
        else if (!RedirectUris.Matches(registered, redirectUri))
        {
            return Problem.Result(ProblemType.InvalidRequest, "The app asked to return you to an address it did not register (redirect_uri). Nothing was shared: this may be an attempt to steal access; close this page.");
        }

        string Error(string error, string description) => RedirectUris.With(redirectUri, [
            new("error", error), new("error_description", description), new("state", state), new("iss", issuer.Value)]);

        try
        {
            if (state is { Length: > MaxState })
            {
                return Results.Redirect(Error("invalid_request", $"state is longer than {MaxState} characters."));
            }

            if (ClientAuthentication.Single(query["response_type"], "response_type") != "code")
            {
                return Results.Redirect(Error("unsupported_response_type", "Only response_type=code is supported."));
            }

            var challenge = ClientAuthentication.Single(query["code_challenge"], "code_challenge");
            var method = ClientAuthentication.Single(query["code_challenge_method"], "code_challenge_method");
            if (challenge is null)
            {
                return Results.Redirect(Error("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256."));
            }

            if (method != Pkce.S256)
            {
                return Results.Redirect(Error("invalid_request", "code_challenge_method must be S256; plain (and a missing method, which means plain) is refused."));
            }

            if (!Pkce.IsValidChallenge(challenge))
            {
                return Results.Redirect(Error("invalid_request", "code_challenge must be the 43-character base64url SHA-256 of the code_verifier."));
            }

            var dpopJkt = ClientAuthentication.Single(query["dpop_jkt"], "dpop_jkt");
            if (dpopJkt is not null && !Pkce.IsValidChallenge(dpopJkt))
            {
                return Results.Redirect(Error("invalid_request", "dpop_jkt must be the base64url SHA-256 JWK thumbprint of the DPoP key (RFC 9449 §10)."));
            }

            var allowed = app.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var scope = ClientAuthentication.Single(query["scope"], "scope");
            var scopes = scope is null ? allowed : scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();
            if (scopes.Length == 0)
            {
                return Results.Redirect(Error("invalid_scope", "scope is empty."));
            }

            if (scopes.FirstOrDefault(s => !allowed.Contains(s, StringComparer.Ordinal)) is { } notAllowed)
            {
                return Results.Redirect(Error("invalid_scope", $"The app is not registered for the scope {(notAllowed.Length > 40 ? notAllowed[..40] : notAllowed)}."));
            }

            var now = time.GetUtcNow();
            var pending = new OAuthRequestRow
            {
                Id = "req_" + TokenFormat.CreateAccessor()["acc_".Length..],
                ClientId = app.ClientId,
                RedirectUri = redirectUri,
                RedirectUriGiven = redirectGiven,
                Scopes = string.Join(' ', scopes.Order(StringComparer.Ordinal)),
                State = state,
                CodeChallenge = challenge,
                DpopJkt = dpopJkt,
                CreatedAt = now,
                ExpiresAt = now + OAuthLifetimes.Request,
            };
            db.Table<OAuthRequestRow>().Add(pending);
            await db.SaveChangesAsync(cancellationToken);

            // Requests nobody answered are removed as new ones come (at most once a minute per node), so the table stays
            // as small as the traffic. Codes are kept as long as the grant they made can live, for reuse detection.
            var last = Interlocked.Read(ref _lastSweepTicks);
            if (now.UtcTicks - last >= TimeSpan.TicksPerMinute && Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) == last)
            {
                await db.Table<OAuthRequestRow>().Where(r => r.ExpiresAt < now - OAuthLifetimes.Request).ExecuteDeleteAsync(cancellationToken);
                await db.Table<OAuthCodeRow>().Where(c => c.ExpiresAt < now - OAuthLifetimes.GrantAbsolute).ExecuteDeleteAsync(cancellationToken);
            }
            return Results.Redirect(ConsentPagePrefix + pending.Id);
        }
        catch (OAuthException e)
        {
            return Results.Redirect(Error(e.Error, e.Message));
        }
    }

    /// <summary>RFC 6749 §3.2 and §5: the grants, answered with no-store JSON.</summary>
    internal static async Task<IResult> Token(HttpContext http, ClientAuthentication clients, OAuthGrants grants, OAuthDpop dpop, CancellationToken cancellationToken)
    {
        NoStore(http);
        try
        {
            var form = await ReadFormAsync(http, cancellationToken);
            var app = await clients.AuthenticateAsync(http.Request, form, cancellationToken);
            var grantType = ClientAuthentication.Single(form, "grant_type");
            var jkt = await dpop.AtTokenEndpointAsync(http, app, cancellationToken);
            IssuedGrantTokens issued;
            switch (grantType)
            {
                case OAuthGrants.AuthorizationCode:
                    var code = ClientAuthentication.Single(form, "code") ?? throw new OAuthException("invalid_request", "code is required.");
                    issued = await grants.RedeemCodeAsync(app, code, ClientAuthentication.Single(form, "redirect_uri"), ClientAuthentication.Single(form, "code_verifier"), jkt, cancellationToken);
                    break;
                case "refresh_token":
                    var refresh = ClientAuthentication.Single(form, "refresh_token") ?? throw new OAuthException("invalid_request", "refresh_token is required.");
                    issued = await grants.RefreshAsync(app, refresh, ScopesOf(form), jkt, cancellationToken);
                    break;
                case OAuthGrants.ClientCredentials:
                    if (app.ClientType != ClientTypes.Confidential)
                    {
                        throw new OAuthException("unauthorized_client", "client_credentials is for confidential clients only (RFC 6749 §4.4): a public client cannot prove who it is.");
                    }

                    issued = await grants.ClientCredentialsAsync(app, ScopesOf(form), jkt, cancellationToken);
                    break;
                case null:
                    throw new OAuthException("invalid_request", "grant_type is required.");
                default:
                    throw new OAuthException("unsupported_grant_type", "grant_type must be authorization_code, refresh_token or client_credentials (the password and implicit grants are not offered, RFC 9700 §2.4).");
            }

            return Results.Json(
                new TokenResponse(
                    issued.AccessToken,
                    issued.DpopJkt is null ? "Bearer" : "DPoP",
                    (long)Math.Max(1, Math.Floor(issued.ExpiresIn.TotalSeconds)),
                    issued.RefreshToken,
                    string.Join(' ', issued.Scopes.Order(StringComparer.Ordinal))),
                Json);
        }
        catch (OAuthException e)
        {
            return Error(http, e);
        }
        catch (TokenTreeException e)
        {
            return Error(http, new OAuthException("invalid_grant", e.Message));
        }
    }

    /// <summary>
    /// RFC 7009: revokes an access token (that token) or a refresh token (its whole grant) of the calling client. 200 for
    /// anything that is not a live token of this client too (§2.2), so the answer tells an attacker nothing.
    /// </summary>
    internal static async Task<IResult> Revoke(HttpContext http, ClientAuthentication clients, OAuthGrants grants, CancellationToken cancellationToken)
    {
        NoStore(http);
        try
        {
            var form = await ReadFormAsync(http, cancellationToken);
            var app = await clients.AuthenticateAsync(http.Request, form, cancellationToken);
            var token = ClientAuthentication.Single(form, "token") ?? throw new OAuthException("invalid_request", "token is required.");
            _ = ClientAuthentication.Single(form, "token_type_hint"); // §2.1: a hint only; an unknown one is ignored.
            if (await grants.FindAccessTokenAsync(token, cancellationToken) is { } access && access.Grant.ClientId == app.ClientId)
            {
                await grants.RevokeAsync(access.Token.Accessor, cancellationToken);
            }
            else if (await grants.FindRefreshTokenAsync(token, cancellationToken) is { } refresh && refresh.Grant.ClientId == app.ClientId)
            {
                await grants.RevokeAsync(refresh.Grant.Accessor, cancellationToken);
            }

            return Results.Ok();
        }
        catch (OAuthException e)
        {
            return Error(http, e);
        }
    }

    /// <summary>
    /// RFC 7662: only a confidential client may ask (§4: no token scanning), and only about its own tokens — any other
    /// value, revoked or expired token is <c>{"active":false}</c>, with nothing else said.
    /// </summary>
    internal static async Task<IResult> Introspect(HttpContext http, ClientAuthentication clients, OAuthGrants grants, TokenStore store, OAuthIssuer issuer, IDbContextFactory<CofferDb> factory, TimeProvider time, CancellationToken cancellationToken)
    {
        NoStore(http);
        try
        {
            var form = await ReadFormAsync(http, cancellationToken);
            var app = await clients.AuthenticateAsync(http.Request, form, cancellationToken);
            if (app.ClientType != ClientTypes.Confidential)
            {
                throw new OAuthException("invalid_client", "Introspection is for confidential clients (with a client secret).", StatusCodes.Status401Unauthorized);
            }

            var token = ClientAuthentication.Single(form, "token") ?? throw new OAuthException("invalid_request", "token is required.");
            _ = ClientAuthentication.Single(form, "token_type_hint");
            var now = time.GetUtcNow();
            Dictionary<string, object?>? answer = null;
            if (await grants.FindAccessTokenAsync(token, cancellationToken) is { } access && access.Grant.ClientId == app.ClientId && access.Token.IsActiveAt(now)
                && await store.FindByAccessorAsync(access.Grant.Accessor, cancellationToken) is { } grantNode && grantNode.IsActiveAt(now))
            {
                answer = Active(access.Token.Scopes, access.Grant, access.Token.CreatedAt, access.Token.ExpiresAt, access.Token.DpopJkt is null ? "Bearer" : "DPoP", access.Token.DpopJkt);
                answer["token_use"] = "access_token";
            }
            else if (await grants.FindRefreshTokenAsync(token, cancellationToken) is { } refresh && refresh.Grant.ClientId == app.ClientId
                && refresh.Refresh.UsedAt is null && refresh.Refresh.ExpiresAt > now
                && await store.FindByAccessorAsync(refresh.Grant.Accessor, cancellationToken) is { } node && node.IsActiveAt(now))
            {
                answer = Active(node.Scopes, refresh.Grant, refresh.Refresh.CreatedAt, refresh.Refresh.ExpiresAt, null, refresh.Grant.DpopJkt);
                answer["token_use"] = "refresh_token";
            }

            if (answer is null)
            {
                return Results.Json(new Dictionary<string, object> { ["active"] = false }, Json);
            }

            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var userId = (Guid)answer["sub"]!;
            answer["username"] = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.UserName).SingleOrDefaultAsync(cancellationToken);
            answer["sub"] = userId.ToString();
            return Results.Json(answer, Json);

            Dictionary<string, object?> Active(IEnumerable<string> scopes, OAuthGrantRow grant, DateTimeOffset issuedAt, DateTimeOffset? expiresAt, string? tokenType, string? jkt)
            {
                var fields = new Dictionary<string, object?>
                {
                    ["active"] = true,
                    ["scope"] = string.Join(' ', scopes.Order(StringComparer.Ordinal)),
                    ["client_id"] = grant.ClientId,
                    ["sub"] = grant.UserId,
                    ["iat"] = issuedAt.ToUnixTimeSeconds(),
                    ["iss"] = issuer.Value,
                };
                if (expiresAt is { } exp)
                {
                    fields["exp"] = exp.ToUnixTimeSeconds();
                }

                if (tokenType is not null)
                {
                    fields["token_type"] = tokenType;
                }

                if (jkt is not null)
                {
                    fields["cnf"] = new Dictionary<string, string> { ["jkt"] = jkt };
                }

                return fields;
            }
        }
        catch (OAuthException e)
        {
            return Error(http, e);
        }
    }

    private static List<string>? ScopesOf(IFormCollection form) =>
        ClientAuthentication.Single(form, "scope") is { } scope ? scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList() : null;

    private static async Task<IFormCollection> ReadFormAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType || !http.Request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            throw new OAuthException("invalid_request", "Send the parameters as application/x-www-form-urlencoded (RFC 6749 §3.2).");
        }

        try
        {
            return await http.Request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            throw new OAuthException("invalid_request", "The form could not be read (too large or malformed).");
        }
    }

    private static IResult Error(HttpContext http, OAuthException e)
    {
        if (e.Status == StatusCodes.Status401Unauthorized)
        {
            // RFC 6749 §5.2: with HTTP Basic the 401 names the scheme the client should use.
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"coffer\"";
        }

        if (e.Error == "invalid_dpop_proof")
        {
            http.Response.Headers.WWWAuthenticate = $"DPoP error=\"invalid_dpop_proof\", algs=\"{string.Join(' ', OAuthDpop.Algorithms)}\"";
        }

        return Results.Json(new OAuthErrorResponse(e.Error, e.Message), Json, statusCode: e.Status);
    }

    private static void NoStore(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
    }

    private sealed record TokenResponse(string AccessToken, string TokenType, long ExpiresIn, string? RefreshToken, string Scope);

    private sealed record OAuthErrorResponse(string Error, string ErrorDescription);
}
