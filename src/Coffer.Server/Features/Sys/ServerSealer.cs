using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Tokens;
using Coffer.Vault;

namespace Coffer.Server.Features.Sys;

/// <summary>
/// Seals the server (break-glass, DESIGN §3–4): this node's vault first, audited in the independent sink and the log
/// (never blocked by either), then every node sharing the database (LISTEN/NOTIFY), then the admins are told. An
/// operator's <c>POST /api/v1/sys/seal</c> and the anomaly detector both come here.
/// </summary>
internal sealed class ServerSealer(CofferVault vault, SysAudit audit, TokenEvents events, SealNotifications notifications)
{
    /// <param name="reason">Null when the caller's token asked for the seal; otherwise why the server sealed itself.</param>
    public async Task SealAsync(HttpContext http, string? reason)
    {
        // Not the request's token: break-glass must not be undone by a client that hangs up.
        await audit.SealAsync(http, () => vault.SealAsync(CancellationToken.None), reason);
        await events.PublishSealAsync(CancellationToken.None);
        await notifications.SealedAsync(http, CancellationToken.None, reason);
    }
}
