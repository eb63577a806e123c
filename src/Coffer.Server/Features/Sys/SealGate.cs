using Coffer.Server.Problems;
using Coffer.Vault;

namespace Coffer.Server.Features.Sys;

/// <summary>
/// While sealed (or before init), every path but <see cref="SysEndpoints.AllowedWhenSealed"/> answers 503 with a
/// problem body, before authentication or any handler runs. Unknown paths are refused the same way: fail closed.
/// The check is by path, not by endpoint, so a request for an allowed path that routing rejects (wrong method or
/// media type) keeps its 405 or 415 and the caller learns what to fix.
/// </summary>
internal static class SealGate
{
    public static IApplicationBuilder UseSealGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var vault = context.RequestServices.GetRequiredService<CofferVault>();
        if (vault.IsSealed && !SysEndpoints.AllowedWhenSealed.Contains(context.Request.Path.Value ?? string.Empty))
        {
            var status = vault.Status;
            context.Response.Headers.RetryAfter = "30";
            await (status.Initialized
                ? Problem.WriteAsync(context, ProblemType.Sealed, "The vault is sealed: no key material is in memory. An operator unseals it with `coffer operator unseal`.")
                : Problem.WriteAsync(context, ProblemType.NotInitialized, "Initialize the vault first with `coffer operator init`."));
            return;
        }

        await next(context);
    });
}
