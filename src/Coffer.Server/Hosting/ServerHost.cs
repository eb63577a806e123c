using System.Security.Authentication;
using System.Text.Json;
using System.Text.Json.Serialization;
using Coffer.Server.Data;
using Coffer.Server.Features.Account;
using Coffer.Server.Features.Admin;
using Coffer.Server.Features.Anomalies;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Connections;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Metrics;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.OAuth;
using Coffer.Server.Features.OAuth.Dpop;
using Coffer.Server.Features.OpenApi;
using Coffer.Server.Features.Perimeter;
using Coffer.Server.Features.Portfolio;
using Coffer.Server.Features.Sys;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Features.Trading;
using Coffer.Server.Features.Versioning;
using Coffer.Server.Features.Web;
using Coffer.Server.Problems;
using Coffer.Vault;
using Coffer.Vault.KeyProviders;
using Coffer.Vault.Pkcs11;
using Coffer.Vault.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Hosting;

/// <summary>Builds and runs the Coffer server.</summary>
internal static partial class ServerHost
{
    /// <summary>Largest request body any endpoint takes for now; larger ones get 413 before they are read.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>Migrates (when configured), starts listening, prints where the certificate is, runs until cancelled.</summary>
    public static async Task RunAsync(ServerSettings settings, TextWriter console, CancellationToken cancellationToken)
    {
        await using var app = await StartAsync(settings, console, cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
    }

    /// <summary>Builds, migrates and starts the server; the caller stops and disposes it. Tests use this directly.</summary>
    public static async Task<WebApplication> StartAsync(ServerSettings settings, TextWriter console, CancellationToken cancellationToken, Action<WebApplicationBuilder>? configure = null)
    {
        Directory.CreateDirectory(settings.DataDirectory);
        if (settings.MigrateOnStart)
        {
            var applied = await Migrator.MigrateAsync(settings, cancellationToken);
            if (applied.Count > 0)
            {
                await console.WriteLineAsync($"Applied migrations: {string.Join(", ", applied)}");
            }
        }

        var certificate = TlsCertificate.Load(settings, TimeProvider.System, out var generated);
        var app = Build(settings, certificate, configure);
        try
        {
            await app.Services.GetRequiredService<CofferVault>().LoadAsync(cancellationToken);

            // The file and PKCS#11 providers unseal on load, without shares; that unseal is audited like any other.
            await app.Services.GetRequiredService<SysAudit>().AutoUnsealedAsync(cancellationToken);
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        await console.WriteLineAsync($"Coffer {SysEndpoints.Version} listening on {address} ({Database.Describe(settings)}, key provider {Names.Of(settings.KeyProvider)})");
        var certPath = settings.TlsCertificatePath ?? settings.GeneratedCertificatePath;
        await console.WriteLineAsync(generated
            ? $"Generated a self-signed TLS certificate. Clients trust it with: export COFFER_CACERT={certPath}"
            : $"TLS certificate: {certPath} (clients: export COFFER_CACERT={certPath})");
        if (settings.KeyProvider == KeyProviderKind.File)
        {
            await console.WriteLineAsync($"WARNING: the file key provider is for development only. The unseal key is in {settings.DevKeyFilePath}; anyone who can read the data directory can read every secret.");
        }

        var status = app.Services.GetRequiredService<CofferVault>().Status;
        if (settings.Dev && !status.Initialized)
        {
            // Dev mode gets a newcomer to a working server in one command, as Vault's -dev does: init happens here and
            // the admin token is shown once, on this console only.
            var init = await app.Services.GetRequiredService<VaultInitializer>().InitializeAsync(caller: null, 0, 0, adminUsername: null, cancellationToken);
            await console.WriteLineAsync($"Initialized the development vault. Admin token (shown once; it is the root of the admin's token tree):");
            await console.WriteLineAsync($"  export COFFER_TOKEN={init.AdminToken}");
            await console.WriteLineAsync($"The admin user is '{init.AdminUsername}', without a password until you set one with that token: coffer login --set-password");
            status = app.Services.GetRequiredService<CofferVault>().Status;
        }

        await console.WriteLineAsync(!status.Initialized
            ? "The vault is not initialized: run `coffer operator init`."
            : status.Sealed ? "The vault is sealed: run `coffer operator unseal` with a quorum of shares." : "The vault is unsealed.");
        return app;
    }

    internal static WebApplication Build(ServerSettings settings, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, Action<WebApplicationBuilder>? configure)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Coffer",
            EnvironmentName = settings.Dev ? Environments.Development : Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // The Data Protection keys (antiforgery only) are kept unencrypted on purpose, so they work while sealed: see
        // DbXmlRepository. The key manager's warning about that at every start would only alarm.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);

        var endpoint = ListenEndpoint.Parse(settings.Listen);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Listen(endpoint.Address, endpoint.Port, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            }));
        });

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddDbContextFactory<CofferDb>(options => Database.Configure(options, settings));
        services.AddSingleton<IVaultStore, EfVaultStore>();
        services.AddCofferMetrics();
        services.AddTokens();
        services.AddDpop();
        services.AddCofferRateLimits(settings.RateLimits);
        services.AddDailyQuotas();
        services.AddIdentityFeature(settings);
        services.AddSingleton<VaultInitializer>();
        services.AddSingleton<SealNotifications>();
        services.AddSingleton<ServerSealer>();
        services.AddSingleton<AccountFreezer>();
        services.AddAnomalies();
        services.AddNotifications();
        services.AddAuditFeature();
        services.AddExchangeConnections();
        services.AddPortfolio();
        services.AddTrading();
        services.AddWebApp();
        services.AddApiDocument();
        services.AddOAuth();
        services.AddSingleton(sp => new CofferVault(
            sp.GetRequiredService<IVaultStore>(),
            new VaultOptions { Provider = settings.KeyProvider, Pkcs11 = settings.Pkcs11, DevKeyFile = settings.DevKeyFilePath, Meter = sp.GetRequiredService<CofferMetrics>().Meter },
            sp.GetRequiredService<TimeProvider>(),
            HsmFactory(settings)));

        services.ConfigureHttpJsonOptions(options => ConfigureJson(options.SerializerOptions));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Framework-written errors (404, 405, 415 …) get Coffer's types too, so every error has a stable type.
            if (context.ProblemDetails.Type is null || !context.ProblemDetails.Type.StartsWith(ProblemType.UriPrefix, StringComparison.Ordinal))
            {
                var type = ProblemType.ForStatus(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode);
                context.ProblemDetails.Type = type.Uri;
                context.ProblemDetails.Title = type.Title;
                context.ProblemDetails.Detail ??= type.Title;
            }

            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(SysEndpoints.SealPolicy, p => p.RequireClaim(TokenAuthenticationHandler.ScopeClaim, "sys:seal"))
            .AddPolicy(SysEndpoints.RotatePolicy, p => p.RequireClaim(TokenAuthenticationHandler.ScopeClaim, "sys:rotate"))
            .AddTokenPolicies()
            .AddIdentityPolicies()
            .AddConnectionPolicies()
            .AddPortfolioPolicies()
            .AddTradingPolicies();
        ConfigureForwardedHeaders(services, settings);
        configure?.Invoke(builder);

        var app = builder.Build();
        if (settings.TrustedProxies.Count > 0)
        {
            // First, so that the throttles, token IP allowlists and the access log all see the real client.
            app.UseForwardedHeaders();
        }

        app.UseSecurityHeaders();
        app.UseAccessLog();
        app.UseRequestMetrics();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseWebApp();
        app.UseRouting();
        app.UseAccessLogRoute();
        app.UseDeprecationHeaders();
        app.UseSealGate();
        app.UseAuthentication();
        app.UseAnomalyDetection();
        app.UseWebAntiforgery();
        app.UseRateLimitHeaders(settings.RateLimits);
        app.UseRateLimiter();
        app.UseDailyQuotas(settings.DailyQuotas);
        app.UseAuthorization();
        app.MapSysEndpoints();
        app.MapTokenEndpoints();
        app.MapNotificationEndpoints();
        app.MapAuditEndpoints();
        app.MapIdentityEndpoints();
        app.MapAccountEndpoints();
        app.MapConnectionEndpoints();
        app.MapPortfolioEndpoints();
        app.MapTradingEndpoints();
        app.MapWebEndpoints();
        app.MapAdminEndpoints();
        app.MapMetricsEndpoints();
        app.MapOAuthEndpoints();
        app.MapApiDocument();
        return app;
    }

    /// <summary>
    /// X-Forwarded-For is honoured only from <see cref="ServerSettings.TrustedProxies"/>: ASP.NET Core trusts loopback by
    /// default, which would let anything on the host pick its own client address, so both lists start empty. Without
    /// a limit the chain is walked right to left through trusted proxies and stops at the first address that is not
    /// one: that is the client, and whatever it wrote further left is ignored.
    /// </summary>
    private static void ConfigureForwardedHeaders(IServiceCollection services, ServerSettings settings) =>
        services.Configure<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor;
            options.ForwardLimit = null;
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var network in settings.TrustedProxies)
            {
                options.KnownIPNetworks.Add(network);
            }
        });

    private static Func<IUnsealKeyWrapper>? HsmFactory(ServerSettings settings) =>
        settings.Pkcs11 is { } pkcs11 ? () => Pkcs11KeyWrapper.Open(pkcs11) : null;

    /// <summary>snake_case on the wire; unknown members are an error, not silently ignored.</summary>
    internal static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    }
}
