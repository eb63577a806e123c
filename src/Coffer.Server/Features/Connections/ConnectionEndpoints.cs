using System.Net.Http;
using System.Security.Claims;
using Coffer.Exchanges;
using Coffer.Exchanges.Transport;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Hosting;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Server.Features.Connections;

/// <summary><c>/api/v1/connections</c>: a user's exchange accounts (DESIGN §5). Adding one, or replacing its key, needs step-up.</summary>
internal static class ConnectionEndpoints
{
    public const string ReadPolicy = "exchanges:read";
    public const string WritePolicy = "exchanges:write";

    /// <summary>The HTTP client name of exchange calls.</summary>
    public const string HttpClientName = "exchanges";

    public static IServiceCollection AddExchangeConnections(this IServiceCollection services)
    {
        services.AddHttpClient(HttpClientName, http => http.DefaultRequestHeaders.UserAgent.ParseAdd("Coffer/1.0"))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false });
        services.AddSingleton(sp => new RequestBudgets(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<INonceStore, DbNonceStore>();
        services.AddSingleton(sp => new ConnectorServices(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<RequestBudgets>(),
            sp.GetRequiredService<INonceStore>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Metrics.CofferMetrics>().Exchanges));
        services.AddSingleton<CredentialJournal>();
        services.AddSingleton<ConnectionService>();
        services.AddHostedService<ConnectionRecheck>();
        services.AddHostedService<ConnectionSweep>();
        return services;
    }

    public static AuthorizationBuilder AddConnectionPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(ReadPolicy, p => p.RequireClaim(TokenAuthenticationHandler.ScopeClaim, Scopes.ExchangesRead))
        .AddPolicy(WritePolicy, p => p.RequireClaim(TokenAuthenticationHandler.ScopeClaim, Scopes.ExchangesWrite));

    public static IEndpointRouteBuilder MapConnectionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/connections").WithTags("connections");
        group.MapPost(string.Empty, Connect).RequireAuthorization(WritePolicy).RequireStepUp();
        group.MapGet(string.Empty, List).RequireAuthorization(ReadPolicy);

        // A literal segment: routing prefers it to a parameter, and {id:guid} could not match "setup" anyway.
        group.MapGet("/setup", Setup).RequireAuthorization(ReadPolicy);
        group.MapGet("/{id:guid}", Get).RequireAuthorization(ReadPolicy);
        group.MapPost("/{id:guid}/verify", Verify).RequireAuthorization(WritePolicy);
        group.MapPut("/{id:guid}/key", ReplaceKey).RequireAuthorization(WritePolicy).RequireStepUp();
        group.MapDelete("/{id:guid}", Remove).RequireAuthorization(WritePolicy);
        return app;
    }

    internal static Task<Results<Created<ConnectionView>, ProblemHttpResult>> Connect(ConnectRequest request, HttpContext http, ConnectionService connections, CancellationToken cancellationToken) =>
        connections.ConnectAsync(UserId(http.User), Accessor(http.User), request, cancellationToken);

    internal static async Task<Ok<ConnectionList>> List(HttpContext http, ConnectionService connections, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ConnectionList(await connections.ListAsync(UserId(http.User), cancellationToken)));

    /// <summary>What the connect wizard needs before the first connection: the address to allow-list, whether a base URL may be given, the exchanges.</summary>
    internal static Ok<ConnectionSetup> Setup(ServerSettings settings) =>
        TypedResults.Ok(new ConnectionSetup(settings.EgressAddress, settings.AllowCustomExchangeUrls, [.. ExchangeCatalog.All.Select(x => new ExchangeChoice(x.Id, x.Name))]));

    internal static async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> Get(Guid id, HttpContext http, ConnectionService connections, CancellationToken cancellationToken) =>
        await connections.GetAsync(UserId(http.User), id, cancellationToken) is { } view ? TypedResults.Ok(view) : Problem.Result(ProblemType.NotFound, "No such connection.");

    internal static Task<Results<Ok<ConnectionView>, ProblemHttpResult>> Verify(Guid id, HttpContext http, ConnectionService connections, CancellationToken cancellationToken) =>
        connections.VerifyAsync(UserId(http.User), id, cancellationToken);

    internal static Task<Results<Ok<ConnectionView>, ProblemHttpResult>> ReplaceKey(Guid id, ReplaceKeyRequest request, HttpContext http, ConnectionService connections, CancellationToken cancellationToken) =>
        connections.ReplaceKeyAsync(UserId(http.User), Accessor(http.User), id, request, cancellationToken);

    internal static async Task<Results<NoContent, ProblemHttpResult>> Remove(Guid id, HttpContext http, ConnectionService connections, CancellationToken cancellationToken) =>
        await connections.RemoveAsync(UserId(http.User), Accessor(http.User), id, cancellationToken) ? TypedResults.NoContent() : Problem.Result(ProblemType.NotFound, "No such connection.");

    private static Guid UserId(ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!);

    private static string Accessor(ClaimsPrincipal user) => user.FindFirstValue(TokenAuthenticationHandler.AccessorClaim)!;
}
