using System.Reflection;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Coffer.Vault;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coffer.Server.Features.Sys;

/// <summary>
/// <c>/api/v1/sys</c>: health, status, init, unseal, seal and rotate — the operator's view of the vault, in the manner
/// of Vault's <c>sys/</c> API. Sealing needs one privileged token; unsealing needs a quorum of shares.
/// </summary>
internal static class SysEndpoints
{
    public const string SealPolicy = "sys:seal";
    public const string RotatePolicy = "sys:rotate";
    public const string StatusScope = "sys:status";
    private const int MaxShareLength = 512;

    public static readonly string Version =
        typeof(SysEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The paths that answer while sealed (see <see cref="SealGate"/>).</summary>
    public static readonly IReadOnlySet<string> AllowedWhenSealed = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "/api/v1/sys/health", "/api/v1/sys/status", "/api/v1/sys/init", "/api/v1/sys/unseal",

        // Seal state is itself a metric; tokens are checked by hash in the database, which needs no vault key.
        Metrics.MetricsEndpoints.Path,

        // The web app's antiforgery token: a signed-in browser needs one to post an unseal share while sealed.
        Web.WebAntiforgery.TokenPath,

        // The API's description: it says nothing about this server's state, and a client may want it before unsealing.
        OpenApi.ApiDocument.Path,
    };

    public static IEndpointRouteBuilder MapSysEndpoints(this IEndpointRouteBuilder app)
    {
        var sys = app.MapGroup("/api/v1/sys").WithTags("sys");
        sys.MapGet("/health", Health).AllowAnonymous();
        sys.MapGet("/status", Status).AllowAnonymous();
        sys.MapPost("/init", Init).AllowAnonymous();
        sys.MapPost("/unseal", Unseal).AllowAnonymous();
        sys.MapPost("/seal", Seal).RequireAuthorization(SealPolicy);
        sys.MapPost("/rotate", Rotate).RequireAuthorization(RotatePolicy);
        return app;
    }

    internal static async Task<Ok<HealthResponse>> Health(CofferVault vault, CancellationToken cancellationToken)
    {
        // Until this node has seen an init, look at the store again: another node may have run it.
        await vault.RefreshInitializedAsync(cancellationToken);
        var status = vault.Status;
        return TypedResults.Ok(new HealthResponse("ok", status.Initialized, status.Sealed, Version));
    }

    internal static async Task<Ok<StatusResponse>> Status(CofferVault vault, HttpContext context, CancellationToken cancellationToken)
    {
        await vault.RefreshInitializedAsync(cancellationToken);
        return TypedResults.Ok(ToResponse(vault.Status, context.User.HasClaim(TokenAuthenticationHandler.ScopeClaim, StatusScope)));
    }

    internal static async Task<Results<Ok<InitResponse>, ProblemHttpResult>> Init(InitRequest? request, CofferVault vault, VaultInitializer initializer, HttpContext context, CancellationToken cancellationToken)
    {
        if (await vault.RefreshInitializedAsync(cancellationToken))
        {
            return Problem.Result(ProblemType.AlreadyInitialized, "The vault is already initialized. Unseal it with the shares handed out at init.");
        }

        if (request?.AdminUsername is { } name && Identity.IdentityEndpoints.ValidateUsername(name) is { } invalid)
        {
            return invalid;
        }

        var (shares, threshold) = (request?.Shares ?? 5, request?.Threshold ?? 3);
        return TypedResults.Ok(await initializer.InitializeAsync(context, shares, threshold, request?.AdminUsername?.Trim(), cancellationToken));
    }

    internal static async Task<Results<Ok<StatusResponse>, ProblemHttpResult>> Unseal(UnsealRequest? request, CofferVault vault, SysAudit audit, HttpContext context, CancellationToken cancellationToken)
    {
        if (request is { Reset: true, Share: null })
        {
            await audit.UnsealResetAsync(context, () => vault.ResetUnsealAsync(cancellationToken));
            return TypedResults.Ok(ToResponse(vault.Status, details: false));
        }

        if (request?.Share is not { Length: > 0 } share || request.Reset is not (null or false))
        {
            return Problem.Result(ProblemType.InvalidRequest, "Send {\"share\": \"cofs1_...\"} to add one share, or {\"reset\": true} to start over.");
        }

        if (share.Length > MaxShareLength)
        {
            return Problem.Result(ProblemType.InvalidShare, "That is far longer than an unseal share; check what was pasted.");
        }

        var status = await audit.UnsealAsync(context, share, () => vault.SubmitShareAsync(share, cancellationToken));
        return TypedResults.Ok(ToResponse(status, context.User.HasClaim(TokenAuthenticationHandler.ScopeClaim, StatusScope)));
    }

    internal static async Task<Ok<StatusResponse>> Seal(CofferVault vault, ServerSealer sealer, HttpContext context)
    {
        await sealer.SealAsync(context, reason: null);
        return TypedResults.Ok(ToResponse(vault.Status, details: true));
    }

    internal static async Task<Results<Ok<RotateResponse>, ProblemHttpResult>> Rotate(RotateRequest? request, CofferVault vault, SysAudit audit, HttpContext context, CancellationToken cancellationToken)
    {
        // Checked before anything changes: a bad minimum must not leave a rotation half-applied.
        var next = (vault.Status.RootKeyVersion ?? 0) + 1;
        if (request?.MinDecryptionVersion is { } wanted && (wanted < 1 || wanted > next))
        {
            return Problem.Result(ProblemType.InvalidArgument, $"min_decryption_version must be between 1 and {next}, the version this rotation creates.");
        }

        // Recorded before it happens; if the record cannot be written, nothing is rotated (DESIGN §1.3).
        var result = await audit.RotateAsync(context, next - 1, request?.MinDecryptionVersion, async () =>
        {
            var rotated = await vault.RotateRootKeyAsync(cancellationToken);
            return request?.MinDecryptionVersion is { } min
                ? rotated with { MinDecryptionVersion = (await vault.SetRootMinDecryptionVersionAsync(min, cancellationToken)).MinDecryptionVersion }
                : rotated;
        }, cancellationToken);

        return TypedResults.Ok(new RotateResponse(new KeyVersion(result.CurrentVersion, result.MinDecryptionVersion), result.Rewrapped));
    }

    private static StatusResponse ToResponse(VaultStatus status, bool details) => new(
        status.Initialized,
        status.Sealed,
        Names.Of(status.Provider),
        status.Provider == KeyProviderKind.File,
        status.Shares,
        status.Threshold,
        status.UnsealProgress,
        Version,
        details && status.RootKeyVersion is { } current
            ? new KeyVersions(new KeyVersion(current, status.RootMinDecryptionVersion ?? 1))
            : null);
}
