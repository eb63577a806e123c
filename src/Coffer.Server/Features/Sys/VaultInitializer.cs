using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Identity;
using Coffer.Server.Features.Tokens;
using Coffer.Vault;
using Microsoft.AspNetCore.Identity;

namespace Coffer.Server.Features.Sys;

/// <summary>
/// Initializes the vault together with the initial admin: a real user (named <c>admin</c> unless init names another)
/// with the admin role and no password yet, and the root token of that user's tree, which init returns once. Holding
/// that token is what lets the admin set the first password (<c>POST /api/v1/auth/password</c>, or
/// <c>coffer login --set-password</c>): the token already is the admin's strongest credential, so no second one-time
/// secret is handed out and none can leak.
/// <para>Every init, the API's and dev mode's own, goes through <see cref="InitializeAsync"/> and so through
/// <see cref="SysAudit.InitAsync"/>: recorded write-ahead in the audit log and audit/sys.log, or not done.</para>
/// </summary>
internal sealed class VaultInitializer(CofferVault vault, IServiceScopeFactory scopes, SessionIssuer sessions, TokenStore tokens, SysAudit audit, TimeProvider time)
{
    public const string DefaultAdminUsername = "admin";

    /// <param name="caller">The request that asked for init; null when the server initializes itself (dev mode).</param>
    public Task<InitResponse> InitializeAsync(HttpContext? caller, int shares, int threshold, string? adminUsername, CancellationToken cancellationToken) =>
        audit.InitAsync(caller, Names.Of(vault.Status.Provider), shares, threshold, () => CreateAdminAndInitializeAsync(shares, threshold, adminUsername, cancellationToken), cancellationToken);

    private async Task<InitResponse> CreateAdminAndInitializeAsync(int shares, int threshold, string? adminUsername, CancellationToken cancellationToken)
    {
        // The admin and their root token are stored before the vault is initialized and removed again if init fails,
        // so an initialized vault always has its admin. The token's value is returned only after both succeeded.
        if (await vault.RefreshInitializedAsync(cancellationToken))
        {
            // Refused before anything is written: no admin user comes and goes when another node already ran init.
            throw new VaultException(VaultError.AlreadyInitialized, "The vault is already initialized.");
        }

        var username = adminUsername ?? DefaultAdminUsername;
        using var scope = scopes.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CofferUser>>();
        var admin = new CofferUser { Id = Guid.NewGuid(), UserName = username, CreatedAt = time.GetUtcNow(), LockoutEnabled = true };
        var created = await users.CreateAsync(admin);
        if (!created.Succeeded)
        {
            throw vault.Status.Initialized
                ? new VaultException(VaultError.AlreadyInitialized, "The vault is already initialized.")
                : new InvalidOperationException("Could not create the initial admin: " + string.Join(" ", created.Errors.Select(e => e.Code)));
        }

        IssuedToken? root = null;
        VaultInitResult result;
        try
        {
            if (!(await users.AddToRoleAsync(admin, Roles.Admin)).Succeeded)
            {
                throw new InvalidOperationException("The admin role is missing: migration 0004 seeds it.");
            }

            root = await sessions.CreateRootAsync(admin.Id, cancellationToken);
            result = await vault.InitializeAsync(shares, threshold, cancellationToken);
        }
        catch
        {
            if (root is not null)
            {
                await tokens.DeleteAsync(root.Accessor, CancellationToken.None);
            }

            await users.DeleteAsync(admin);
            throw;
        }

        var status = vault.Status;
        return new InitResponse(result.Shares ?? [], root.Token, root.Accessor, username, Names.Of(status.Provider), status.Sealed);
    }
}
