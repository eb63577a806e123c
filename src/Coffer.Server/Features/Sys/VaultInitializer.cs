using Coffer.Server.Features.Tokens;
using Coffer.Vault;

namespace Coffer.Server.Features.Sys;

/// <summary>Initializes the vault together with the initial admin token (the root of the admin's token tree).</summary>
internal sealed class VaultInitializer(CofferVault vault, TokenStore tokens)
{
    public async Task<InitResponse> InitializeAsync(int shares, int threshold, CancellationToken cancellationToken)
    {
        // The admin token is stored (as a hash) before the vault is initialized and removed again if init fails, so
        // an initialized vault always has its admin. Its value is returned only after both succeeded.
        var adminUser = Guid.NewGuid();
        var (token, accessor) = await tokens.CreateAsync("trader", adminUser, parentAccessor: null, TokenStore.AdminScopes, expiresAt: null, cancellationToken);
        VaultInitResult result;
        try
        {
            result = await vault.InitializeAsync(shares, threshold, cancellationToken);
        }
        catch
        {
            await tokens.DeleteAsync(accessor, CancellationToken.None);
            throw;
        }

        var status = vault.Status;
        return new InitResponse(result.Shares ?? [], token, accessor, Names.Of(status.Provider), status.Sealed);
    }
}
