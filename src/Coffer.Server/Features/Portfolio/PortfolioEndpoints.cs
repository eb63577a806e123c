using System.Text.Json;
using Coffer.Exchanges;
using Coffer.Server.Data;
using Coffer.Server.Features.Connections;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Features.Trading;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Coffer.Server.Features.Portfolio;

/// <summary><c>/api/v1/portfolio</c>, <c>/api/v1/markets</c>, <c>/api/v1/tickers</c> (DESIGN §6).</summary>
internal static partial class PortfolioEndpoints
{
    public const string ReadPolicy = "portfolio:read";
    public const string SettingsPolicy = "portfolio:settings";
    public const string NdJson = "application/x-ndjson";
    public const string CsvContentType = "text/csv";

    private static readonly Dictionary<string, TimeSpan?> Ranges = new(StringComparer.Ordinal)
    {
        ["24h"] = TimeSpan.FromHours(24),
        ["7d"] = TimeSpan.FromDays(7),
        ["30d"] = TimeSpan.FromDays(30),
        ["90d"] = TimeSpan.FromDays(90),
        ["1y"] = TimeSpan.FromDays(365),
        ["all"] = null,
    };

    public static IServiceCollection AddPortfolio(this IServiceCollection services)
    {
        services.AddSingleton<ExchangeAccess>();
        services.AddSingleton<Pricing>();
        services.AddSingleton<PortfolioSync>();
        services.AddSingleton<PortfolioService>();
        services.AddSingleton<SyncQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<SyncQueue>());
        services.AddSingleton<PortfolioScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<PortfolioScheduler>());
        return services;
    }

    public static AuthorizationBuilder AddPortfolioPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(ReadPolicy, p => p.RequireClaim(TokenAuthenticationHandler.ScopeClaim, Scopes.PortfolioRead))
        .AddPolicy(SettingsPolicy, p => p.RequireClaim(TokenAuthenticationHandler.ScopeClaim, Scopes.AccountWrite));

    public static IEndpointRouteBuilder MapPortfolioEndpoints(this IEndpointRouteBuilder app)
    {
        var portfolio = app.MapGroup("/api/v1/portfolio").WithTags("portfolio");
        portfolio.MapGet(string.Empty, Summary).RequireAuthorization(ReadPolicy);
        portfolio.MapGet("/balances", Balances).RequireAuthorization(ReadPolicy);
        portfolio.MapGet("/history", History).RequireAuthorization(ReadPolicy);
        portfolio.MapPost("/refresh", Refresh).RequireAuthorization(ReadPolicy).Produces<RefreshView>(StatusCodes.Status200OK)
            .WithDescription("With `Accept: application/x-ndjson`, one line per connection as it finishes, then `{\"result\": …}`.");
        portfolio.MapGet("/settings", GetSettings).RequireAuthorization(ReadPolicy);
        portfolio.MapPut("/settings", PutSettings).RequireAuthorization(SettingsPolicy);
        app.MapGet("/api/v1/markets", Markets).RequireAuthorization(ReadPolicy).WithTags("markets");
        app.MapGet("/api/v1/tickers", Tickers).RequireAuthorization(ReadPolicy).WithTags("markets");
        return app.MapPnlEndpoints();
    }

    internal static async Task<Ok<PortfolioSummary>> Summary(HttpContext http, PortfolioService portfolio, CancellationToken cancellationToken) =>
        TypedResults.Ok(await portfolio.SummaryAsync(TradingEndpoints.UserId(http.User), cancellationToken));

    internal static async Task<Ok<BalancesView>> Balances(HttpContext http, PortfolioService portfolio, CancellationToken cancellationToken) =>
        TypedResults.Ok((await portfolio.ValueAsync(TradingEndpoints.UserId(http.User), cancellationToken)).View);

    internal static async Task<Results<Ok<HistoryView>, ProblemHttpResult>> History(string? range, string? by, HttpContext http, PortfolioService portfolio, CancellationToken cancellationToken)
    {
        range ??= "30d";
        if (!Ranges.TryGetValue(range, out var span))
        {
            return Problem.Result(ProblemType.InvalidArgument, $"range must be one of {string.Join(", ", Ranges.Keys)}.");
        }

        if (by is not (null or "asset" or "exchange"))
        {
            return Problem.Result(ProblemType.InvalidArgument, "by must be asset or exchange (or left out for totals only).");
        }

        return TypedResults.Ok(await portfolio.HistoryAsync(TradingEndpoints.UserId(http.User), range, span, by, cancellationToken));
    }

    /// <summary>
    /// Syncs every connection of the user now, in parallel, then takes a snapshot. With <c>Accept: application/x-ndjson</c>
    /// each connection's result is streamed as one JSON line as soon as it finishes (the CLI shows them as progress),
    /// and the last line is the whole result.
    /// </summary>
    internal static async Task<IResult> Refresh(HttpContext http, PortfolioSync sync, PortfolioService portfolio, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var userId = TradingEndpoints.UserId(http.User);
        var streaming = http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(NdJson, StringComparison.OrdinalIgnoreCase));
        if (!streaming)
        {
            var results = await sync.SyncUserAsync(userId, null, cancellationToken);
            await portfolio.SnapshotAsync(userId, CancellationToken.None);
            return TypedResults.Ok(View(results));
        }

        var options = json.Value.SerializerOptions;
        http.Response.ContentType = NdJson;
        http.Response.Headers.CacheControl = "no-store";
        var gate = new SemaphoreSlim(1, 1);
        async Task WriteLineAsync(object value)
        {
            await gate.WaitAsync(CancellationToken.None);
            try
            {
                await JsonSerializer.SerializeAsync(http.Response.Body, value, value.GetType(), options, CancellationToken.None);
                await http.Response.Body.WriteAsync("\n"u8.ToArray(), CancellationToken.None);
                await http.Response.Body.FlushAsync(CancellationToken.None);
            }
            finally
            {
                gate.Release();
            }
        }

        var pending = new List<Task>();
        var all = await sync.SyncUserAsync(userId, r => pending.Add(WriteLineAsync(new { connection = SyncResultView.From(r) })), cancellationToken);
        await Task.WhenAll(pending);
        await portfolio.SnapshotAsync(userId, CancellationToken.None);
        await WriteLineAsync(new { result = View(all) });
        return TypedResults.Empty;
    }

    private static RefreshView View(IReadOnlyList<SyncResult> results) =>
        new([.. results.Select(SyncResultView.From)], results.All(r => r.Status == SyncCoverageRow.Complete));

    internal static async Task<Ok<SettingsView>> GetSettings(HttpContext http, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var p = await PortfolioPreferences.LoadAsync(db, TradingEndpoints.UserId(http.User), cancellationToken);
        return TypedResults.Ok(new SettingsView(p.Currency, p.StepUpThreshold));
    }

    /// <summary>Sets the valuation currency and the step-up threshold; raising the threshold (fewer orders need step-up) needs step-up itself.</summary>
    internal static async Task<Results<Ok<SettingsView>, ProblemHttpResult>> PutSettings(SettingsRequest request, HttpContext http, IDbContextFactory<CofferDb> factory, StepUp stepUp, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.Currency is { } c && (c.Length is < 2 or > 10 || !c.All(ch => char.IsAsciiLetterUpper(ch) || char.IsAsciiDigit(ch))))
        {
            return Problem.Result(ProblemType.InvalidArgument, "currency must be a currency code in capitals, e.g. USD, EUR, USDT or BTC.");
        }

        if (request.StepUpThreshold is < 0 or > 1_000_000_000_000m)
        {
            return Problem.Result(ProblemType.InvalidArgument, "step_up_threshold must be from 0 (every order needs step-up) to 10^12.");
        }

        var userId = TradingEndpoints.UserId(http.User);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var current = await PortfolioPreferences.LoadAsync(db, userId, cancellationToken);
        var next = new PortfolioPreferences(request.Currency ?? current.Currency, request.StepUpThreshold ?? current.StepUpThreshold);

        // A threshold in another currency is another threshold: changing either so that fewer orders need step-up needs it.
        if ((next.StepUpThreshold > current.StepUpThreshold || next.Currency != current.Currency) && await stepUp.VerifyAsync(http, cancellationToken) is { } problem)
        {
            return problem;
        }

        var row = await db.Table<PortfolioSettingsRow>().SingleOrDefaultAsync(s => s.UserId == userId, cancellationToken);
        if (row is null)
        {
            row = new PortfolioSettingsRow { UserId = userId, Currency = next.Currency };
            db.Add(row);
        }

        row.Currency = next.Currency;
        row.StepUpThreshold = next.StepUpThreshold;
        row.UpdatedAt = Notifications.StoredTime.Now(time);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new SettingsView(next.Currency, next.StepUpThreshold));
    }

    internal static async Task<Results<Ok<MarketsView>, ProblemHttpResult>> Markets([Microsoft.AspNetCore.Mvc.FromQuery(Name = "connection_id")] Guid? connectionId, string? symbol, HttpContext http, IDbContextFactory<CofferDb> factory, ExchangeAccess access, CancellationToken cancellationToken)
    {
        var (connector, problem) = await ConnectorAsync(connectionId, http, factory, access, cancellationToken);
        if (connector is null)
        {
            return problem!;
        }

        try
        {
            var markets = await connector.MarketsAsync(cancellationToken);
            var selected = symbol is null ? markets : markets.Where(m => string.Equals(m.Symbol, symbol, StringComparison.OrdinalIgnoreCase)).ToList();
            return TypedResults.Ok(new MarketsView(connector.Row.Id, connector.Row.Exchange, [.. selected.OrderBy(m => m.Symbol, StringComparer.Ordinal).Select(MarketView.From)]));
        }
        catch (ExchangeException ex)
        {
            return Problem.Result(ProblemType.ExchangeUnavailable, $"{connector.Info.Name}'s markets could not be read: {ex.Message}");
        }
    }

    internal static async Task<Results<Ok<TickersView>, ProblemHttpResult>> Tickers([Microsoft.AspNetCore.Mvc.FromQuery(Name = "connection_id")] Guid? connectionId, string? symbols, HttpContext http, IDbContextFactory<CofferDb> factory, ExchangeAccess access, CancellationToken cancellationToken)
    {
        var (connector, problem) = await ConnectorAsync(connectionId, http, factory, access, cancellationToken);
        if (connector is null)
        {
            return problem!;
        }

        try
        {
            var wanted = symbols?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
            var tickers = await connector.TickersAsync(cancellationToken);
            return TypedResults.Ok(new TickersView(connector.Row.Id, connector.Row.Exchange, [.. tickers.Where(t => wanted is null || wanted.Contains(t.Symbol)).OrderBy(t => t.Symbol, StringComparer.Ordinal).Select(TickerView.From)]));
        }
        catch (ExchangeException ex)
        {
            return Problem.Result(ProblemType.ExchangeUnavailable, $"{connector.Info.Name}'s tickers could not be read: {ex.Message}");
        }
    }

    private static async Task<(ExchangeAccess.Connector? Connector, ProblemHttpResult? Problem)> ConnectorAsync(Guid? connectionId, HttpContext http, IDbContextFactory<CofferDb> factory, ExchangeAccess access, CancellationToken cancellationToken)
    {
        if (connectionId is not { } id)
        {
            return (null, Problem.Result(ProblemType.InvalidArgument, "connection_id is required: markets and prices are those of one of your connections (GET /api/v1/connections)."));
        }

        var userId = TradingEndpoints.UserId(http.User);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<ConnectionRow>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.UserId == userId, cancellationToken);
        if (row is null)
        {
            return (null, Problem.Result(ProblemType.NotFound, "No such connection."));
        }

        return await access.OpenAsync(row, cancellationToken) is { } connector
            ? (connector, null)
            : (null, Problem.Result(ProblemType.ConnectionLocked, "The connection's key is not usable now (locked, frozen or revoked)."));
    }
}
