using System.Text;
using Coffer.Exchanges;
using Coffer.Exchanges.Model;
using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Coffer.Vault.Signing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Connections;

/// <summary>A verified key whose secret is in the vault, journalled until a connection takes it.</summary>
internal sealed record StagedKey(Guid SecretId, KeyPermissions Permissions, IReadOnlyList<string> Scopes);

/// <summary>Taking in a key, for a new connection or in place of a connection's key: the same checks either way.</summary>
internal sealed partial class ConnectionService
{
    /// <summary>
    /// Replaces a connection's key (DESIGN §4: needs step-up, as adding one does). The new key is verified with real signed
    /// calls exactly as on connect; only then are the vault secret and the credential token swapped in one transaction —
    /// the new credential under the trader token, the old one revoked and its secret deleted. A connection locked for
    /// grown permissions, or whose credential was revoked by a freeze, is active again. A refusal changes nothing.
    /// </summary>
    public async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> ReplaceKeyAsync(Guid userId, string actor, Guid id, ReplaceKeyRequest request, CancellationToken cancellationToken)
    {
        if (ValidateKey(request.ApiKey, request.Secret) is { } invalid)
        {
            return invalid;
        }

        ConnectionRow? old;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            old = await db.Table<ConnectionRow>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == id && x.UserId == userId, cancellationToken);
        }

        if (old is null)
        {
            return Problem.Result(ProblemType.NotFound, "No such connection.");
        }

        var info = ExchangeCatalog.Find(old.Exchange)!;
        var apiKey = request.ApiKey!.Trim();
        if (!MaybeSameAccount(info, old.ApiKey, apiKey))
        {
            return Problem.Result(ProblemType.ExchangeKeyOtherAccount, $"The new key belongs to a different {info.Name} account than the connection '{old.Label}'. Nothing was changed. Replace the key with one of the same account, or connect the other account as a new connection.");
        }

        var root = await TraderRootAsync(userId, cancellationToken);
        if (root is null)
        {
            return FrozenProblem();
        }

        var baseUri = old.BaseUrl is null ? info.DefaultBaseUri : new Uri(old.BaseUrl);
        var (staged, refused) = await StageAsync(userId, actor, info, baseUri, apiKey, request.Secret!, root, cancellationToken);
        if (staged is null)
        {
            return refused!;
        }

        var now = time.GetUtcNow();
        var replaced = await KeepAsync(
            staged,
            root,
            CredentialRequest(info, old.Label, staged),
            accessor => new AuditEntry("connection.key_replaced", AuditOutcome.Success) { Actor = actor, UserId = userId, Target = accessor }
                .With("exchange", info.Id).With("label", old.Label).With("replaced_credential", old.CredentialAccessor).WithSensitive("api_key", apiKey)
                .With("can_trade", staged.Permissions.CanTrade),
            async (db, accessor) =>
            {
                // Conditional on the key read above, so that two replacements at once cannot both win (one would leak).
                var swapped = await db.Table<ConnectionRow>()
                    .Where(x => x.Id == old.Id && x.SecretId == old.SecretId && x.CredentialAccessor == old.CredentialAccessor)
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(x => x.ApiKey, apiKey)
                            .SetProperty(x => x.SecretId, staged.SecretId)
                            .SetProperty(x => x.CredentialAccessor, accessor)
                            .SetProperty(x => x.Status, ConnectionRow.Active)
                            .SetProperty(x => x.LockReason, (string?)null)
                            .SetProperty(x => x.CanRead, staged.Permissions.CanRead)
                            .SetProperty(x => x.CanTrade, staged.Permissions.CanTrade)
                            .SetProperty(x => x.CanWithdraw, staged.Permissions.CanWithdraw)
                            .SetProperty(x => x.CanTransfer, staged.Permissions.CanTransfer)
                            .SetProperty(x => x.IpRestricted, staged.Permissions.IpRestricted)
                            .SetProperty(x => x.ReportedPermissions, string.Join(' ', staged.Permissions.Reported))
                            .SetProperty(x => x.VerifiedAt, now),
                        cancellationToken);
                if (swapped != 1)
                {
                    throw new CredentialJournalException("The connection changed while the new key was verified.");
                }

                journal.Retire(db, userId, old.SecretId, old.CredentialAccessor);
                await db.SaveChangesAsync(cancellationToken);
            },
            cancellationToken);
        if (replaced is null)
        {
            return SupersededProblem();
        }

        // The old key is out of every row: revoke its credential and delete its secret now (the sweep would, after a crash).
        await journal.DiscardAsync(old.SecretId, CancellationToken.None);
        await notifier.NotifyAsync(
            userId,
            NotificationKind.CredentialAdded,
            $"{info.Name} key of '{old.Label}' replaced",
            $"The API key {ConnectionView.Mask(apiKey)} was verified and now replaces {ConnectionView.Mask(old.ApiKey)} for '{old.Label}'; the old secret was deleted from Coffer's vault. It can {(staged.Permissions.CanTrade ? "read and trade" : "only read")}; it cannot withdraw or transfer. Delete the old key on {info.Name} if you no longer use it.",
            new Dictionary<string, string> { ["exchange"] = info.Id, ["label"] = old.Label, ["credential"] = replaced.Accessor, ["connection"] = old.Id.ToString() },
            cancellationToken);

        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var row = await db.Table<ConnectionRow>().AsNoTracking().SingleAsync(x => x.Id == id, cancellationToken);
            return TypedResults.Ok(ConnectionView.From(row, settings.EgressAddress, credentialLive: true));
        }
    }

    /// <summary>
    /// Journals and stores the secret, then verifies the key with real signed calls and refuses one that can move funds.
    /// On any refusal the secret is deleted again and the problem returned; nothing else was written.
    /// </summary>
    private async Task<(StagedKey? Staged, ProblemHttpResult? Refused)> StageAsync(
        Guid userId, string actor, ExchangeInfo info, Uri baseUri, string apiKey, string secret, TokenInfo root, CancellationToken cancellationToken)
    {
        var secretId = Guid.NewGuid();
        await journal.OpenAsync(userId, secretId, cancellationToken);
        var keep = false;
        try
        {
            await vault.StoreSecretAsync(userId, secretId, Encoding.UTF8.GetBytes(secret.Trim()), cancellationToken);
            var client = Client(info, baseUri, apiKey, new CredentialHandle(userId, secretId));
            var (permissions, refused) = await VerifyAsync(info, client, cancellationToken);
            if (refused is not null)
            {
                return (null, refused);
            }

            if (permissions!.CanMoveFunds)
            {
                await audit.AppendAsync(
                    new AuditEntry("connection.refused", AuditOutcome.Denied) { Actor = actor, UserId = userId }
                        .With("exchange", info.Id).With("reason", "key can withdraw or transfer").WithSensitive("api_key", apiKey),
                    cancellationToken);
                return (null, Problem.Result(ProblemType.ExchangeKeyCanWithdraw, WithdrawFix(info, permissions)));
            }

            var scopes = CredentialScopes.Where(root.Scopes.Contains).Where(s => permissions.CanTrade || s != Scopes.OrdersWrite).ToList();
            if (scopes.Count == 0)
            {
                return (null, Problem.Result(ProblemType.Forbidden, "Your trader token holds none of exchanges:read, portfolio:read, orders:read, orders:write; an admin must widen it."));
            }

            keep = true;
            return (new StagedKey(secretId, permissions, scopes), null);
        }
        finally
        {
            if (!keep)
            {
                await journal.DiscardAsync(secretId, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Creates the credential token and, in its transaction, completes the journal and runs <paramref name="store"/>, so
    /// the token, the row that references it and the audit record commit together. Null when the sweep took the secret
    /// first or <paramref name="store"/> found the connection changed; the secret is gone then, and nothing was kept.
    /// </summary>
    private async Task<IssuedToken?> KeepAsync(
        StagedKey staged, TokenInfo root, TokenRequest request, Func<string, AuditEntry> record, Func<CofferDb, string, Task> store, CancellationToken cancellationToken)
    {
        try
        {
            return await tree.CreateChildAsync(
                root,
                request,
                cancellationToken,
                record,
                async (db, accessor) =>
                {
                    await CredentialJournal.CompleteAsync(db, staged.SecretId, cancellationToken);
                    await store(db, accessor);
                });
        }
        catch (CredentialJournalException)
        {
            await journal.DiscardAsync(staged.SecretId, CancellationToken.None);
            return null;
        }
        catch
        {
            await journal.DiscardAsync(staged.SecretId, CancellationToken.None);
            throw;
        }
    }

    private static TokenRequest CredentialRequest(ExchangeInfo info, string label, StagedKey staged) =>
        new("credential", staged.Scopes, DisplayName: Truncate($"{info.Name}: {label}", TokenTree.MaxDisplayName));

    /// <summary>Records what the exchange reported the key may do, as of now.</summary>
    private void Record(ConnectionRow row, KeyPermissions permissions)
    {
        row.CanRead = permissions.CanRead;
        row.CanTrade = permissions.CanTrade;
        row.CanWithdraw = permissions.CanWithdraw;
        row.CanTransfer = permissions.CanTransfer;
        row.IpRestricted = permissions.IpRestricted;
        row.ReportedPermissions = string.Join(' ', permissions.Reported);
        row.VerifiedAt = time.GetUtcNow();
    }

    /// <summary>
    /// False only when the keys show they belong to different accounts. Coinbase CDP key names carry their organization
    /// (<c>organizations/{org_id}/apiKeys/{key_id}</c>, Coinbase's "Creating API keys"); Binance and Kraken keys and their
    /// permission answers carry no account id, so there it cannot be told and the exchange's own checks must do.
    /// </summary>
    private static bool MaybeSameAccount(ExchangeInfo info, string oldKey, string newKey) =>
        info.Id != "coinbase" || CoinbaseOrganization(oldKey) is not { } before || CoinbaseOrganization(newKey) is not { } after || before == after;

    private static string? CoinbaseOrganization(string keyName)
    {
        var parts = keyName.Split('/');
        return parts is ["organizations", { Length: > 0 } org, "apiKeys", { Length: > 0 }] ? org : null;
    }

    private static ProblemHttpResult FrozenProblem() =>
        Problem.Result(ProblemType.AccountFrozen, "Your trader token is revoked (the account is frozen). Unfreeze the account first.");

    private static ProblemHttpResult SupersededProblem() =>
        Problem.Result(ProblemType.ConnectionConflict, "The key could not be saved: the connection changed meanwhile, or verifying the key took too long. Nothing was changed; try again.");
}
