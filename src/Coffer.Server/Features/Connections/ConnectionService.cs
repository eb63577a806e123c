using System.Globalization;
using System.Text;
using Coffer.Exchanges;
using Coffer.Exchanges.Model;
using Coffer.Exchanges.Signing;
using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Hosting;
using Coffer.Server.Problems;
using Coffer.Vault;
using Coffer.Vault.Signing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Connections;

/// <summary>
/// Exchange connections (DESIGN §5): a key is verified with real signed calls before anything is kept; a key that can
/// withdraw or transfer is refused; the secret goes into the vault and is held by a <c>credential</c> token under the
/// user's trader token. Every refusal leaves nothing behind — no secret, no token, no row.
/// </summary>
internal sealed partial class ConnectionService(
    IDbContextFactory<CofferDb> factory,
    CofferVault vault,
    TokenTree tree,
    TokenStore tokens,
    ConnectorServices connectors,
    ServerSettings settings,
    AuditLog audit,
    INotifier notifier,
    CredentialJournal journal,
    TimeProvider time,
    ILogger<ConnectionService> logger)
{
    public const int MaxLabel = 100;
    public const int MaxApiKey = 512;

    /// <summary>What a credential token may carry, at most: reading and (if the key can) trading through the connection.</summary>
    private static readonly string[] CredentialScopes = [Scopes.ExchangesRead, Scopes.PortfolioRead, Scopes.OrdersRead, Scopes.OrdersWrite];

    /// <summary>Verifies the key, refuses one that can move funds, and stores it. <paramref name="actor"/> is the calling token's accessor.</summary>
    public async Task<Results<Created<ConnectionView>, ProblemHttpResult>> ConnectAsync(Guid userId, string actor, ConnectRequest request, CancellationToken cancellationToken)
    {
        if (ExchangeCatalog.Find(request.Exchange) is not { } info)
        {
            return Problem.Result(ProblemType.UnknownExchange, $"exchange must be one of {string.Join(", ", ExchangeCatalog.All.Select(x => x.Id))}.");
        }

        if (request.Label is { } given && (given.Trim().Length is 0 or > MaxLabel || given.Any(char.IsControl)))
        {
            return Problem.Result(ProblemType.InvalidArgument, $"label must be 1 to {MaxLabel} printable characters.");
        }

        if (ValidateKey(request.ApiKey, request.Secret) is { } invalid)
        {
            return invalid;
        }

        var label = string.IsNullOrWhiteSpace(request.Label) ? info.Name : request.Label.Trim();
        if (BaseUri(request.BaseUrl, info, out var baseUri) is { } badUrl)
        {
            return badUrl;
        }

        if (await LabelTakenAsync(userId, label, cancellationToken))
        {
            return LabelTaken(label);
        }

        var root = await TraderRootAsync(userId, cancellationToken);
        if (root is null)
        {
            return FrozenProblem();
        }

        var apiKey = request.ApiKey!.Trim();
        var (staged, refused) = await StageAsync(userId, actor, info, baseUri, apiKey, request.Secret!, root, cancellationToken);
        if (staged is null)
        {
            return refused!;
        }

        var now = time.GetUtcNow();
        var row = new ConnectionRow
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Exchange = info.Id,
            Label = label,
            ApiKey = apiKey,
            SecretId = staged.SecretId,
            CredentialAccessor = string.Empty,
            BaseUrl = request.BaseUrl is null ? null : baseUri.ToString(),
            Status = ConnectionRow.Active,
            ReportedPermissions = string.Empty,
            CreatedAt = now,
            VerifiedAt = now,
        };
        Record(row, staged.Permissions);
        IssuedToken? credential;
        try
        {
            credential = await KeepAsync(
                staged,
                root,
                CredentialRequest(info, label, staged),
                accessor => new AuditEntry("connection.create", AuditOutcome.Success) { Actor = actor, UserId = userId, Target = accessor }
                    .With("exchange", info.Id).With("label", label).With("base_url", baseUri.ToString()).WithSensitive("api_key", apiKey)
                    .With("can_trade", staged.Permissions.CanTrade),
                async (db, accessor) =>
                {
                    row.CredentialAccessor = accessor;
                    db.Add(row);
                    await db.SaveChangesAsync(cancellationToken);
                },
                cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another connect with the same label won the race (the unique index said so); this one kept nothing.
            if (await LabelTakenAsync(userId, label, CancellationToken.None))
            {
                return LabelTaken(label);
            }

            throw;
        }

        if (credential is null)
        {
            return SupersededProblem();
        }

        await notifier.NotifyAsync(
            userId,
            NotificationKind.CredentialAdded,
            $"{info.Name} connected to Coffer",
            $"The API key {ConnectionView.Mask(apiKey)} ('{label}') was verified and stored. It can {(staged.Permissions.CanTrade ? "read and trade" : "only read")}; it cannot withdraw or transfer.",
            new Dictionary<string, string> { ["exchange"] = info.Id, ["label"] = label, ["credential"] = credential.Accessor },
            cancellationToken);
        return TypedResults.Created($"/api/v1/connections/{row.Id}", ConnectionView.From(row, settings.EgressAddress, credentialLive: true));
    }

    /// <summary>Asks the exchange again what the key may do; a key that can now move funds, or trade where it could not, is locked.</summary>
    public async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> VerifyAsync(Guid userId, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<ConnectionRow>().SingleOrDefaultAsync(x => x.Id == id && x.UserId == userId, cancellationToken);
        if (row is null)
        {
            return Problem.Result(ProblemType.NotFound, "No such connection.");
        }

        if (!await IsCredentialLiveAsync(row, cancellationToken))
        {
            return Problem.Result(ProblemType.ConnectionLocked, ConnectionView.KeyRequired(row));
        }

        var info = ExchangeCatalog.Find(row.Exchange)!;
        var client = Client(info, row.BaseUrl is null ? info.DefaultBaseUri : new Uri(row.BaseUrl), row.ApiKey, new CredentialHandle(userId, row.SecretId));
        var (permissions, refused) = await VerifyAsync(info, client, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        await ApplyAsync(db, row, permissions!, cancellationToken);
        return TypedResults.Ok(ConnectionView.From(row, settings.EgressAddress, credentialLive: true));
    }

    /// <summary>
    /// The scheduled re-check: asks the exchange what each active connection's key may do now and locks those whose
    /// rights grew. A connection whose exchange cannot be reached is left as it is and tried next time. Returns how many
    /// were checked.
    /// </summary>
    public async Task<int> RecheckAllAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Table<ConnectionRow>().Where(x => x.Status == ConnectionRow.Active).ToListAsync(cancellationToken);
        var checkedCount = 0;
        foreach (var row in rows)
        {
            var client = await ClientForAsync(row, cancellationToken);
            if (client is null)
            {
                continue;
            }

            try
            {
                await ApplyAsync(db, row, await client.FetchPermissionsAsync(cancellationToken), cancellationToken);
                checkedCount++;
            }
            catch (ExchangeException ex)
            {
                LogRecheckFailed(logger, row.Exchange, row.Id, ex.Kind);
            }
        }

        return checkedCount;
    }

    /// <summary>Records a fresh permission reading; locks the connection (and says why) when the key gained rights.</summary>
    internal async Task ApplyAsync(CofferDb db, ConnectionRow row, KeyPermissions permissions, CancellationToken cancellationToken)
    {
        var grown = (permissions.CanMoveFunds && !(row.CanWithdraw || row.CanTransfer)) || (permissions.CanTrade && !row.CanTrade);
        Record(row, permissions);
        if (grown && row.Status == ConnectionRow.Active)
        {
            row.Status = ConnectionRow.Locked;
            row.LockReason = permissions.CanMoveFunds
                ? "The key can now withdraw or transfer funds. Remove the withdrawal and transfer permissions on the exchange (or connect a new key), then re-verify."
                : "The key can now trade, which it could not when it was connected. Connect it again to allow trading.";
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                await db.SaveChangesAsync(cancellationToken);
                await audit.AppendAsync(db, new AuditEntry("connection.locked", AuditOutcome.Success) { Actor = "system", UserId = row.UserId, Target = row.CredentialAccessor }.With("reason", row.LockReason), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            await notifier.NotifyAsync(
                row.UserId,
                NotificationKind.ExchangePermissionsChanged,
                $"Coffer locked the {row.Exchange} connection '{row.Label}'",
                row.LockReason,
                new Dictionary<string, string> { ["exchange"] = row.Exchange, ["label"] = row.Label, ["connection"] = row.Id.ToString() },
                cancellationToken);
            LogLocked(logger, row.Exchange, row.Id);
            return;
        }

        if (!grown && row.Status == ConnectionRow.Locked && !permissions.CanMoveFunds && row.LockReason?.StartsWith("The key can now withdraw", StringComparison.Ordinal) == true)
        {
            // The owner removed the dangerous permission on the exchange: the lock for that reason ends.
            row.Status = ConnectionRow.Active;
            row.LockReason = null;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Removes a connection: revokes its credential token, deletes the secret from the vault, deletes the row.</summary>
    public async Task<bool> RemoveAsync(Guid userId, string actor, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<ConnectionRow>().SingleOrDefaultAsync(x => x.Id == id && x.UserId == userId, cancellationToken);
        if (row is null)
        {
            return false;
        }

        await tree.RevokeAsync(row.CredentialAccessor, cancellationToken);
        await vault.DeleteSecretAsync(userId, row.SecretId, cancellationToken);
        db.Remove(row);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);

            // Its present state goes with it (the portfolio no longer counts it); its orders and trades stay as history.
            await db.Table<Portfolio.BalanceRow>().Where(b => b.ConnectionId == id).ExecuteDeleteAsync(cancellationToken);
            await db.Table<Portfolio.SyncCoverageRow>().Where(c => c.ConnectionId == id).ExecuteDeleteAsync(cancellationToken);
            await db.Table<Portfolio.SyncCursorRow>().Where(c => c.ConnectionId == id).ExecuteDeleteAsync(cancellationToken);
            await audit.AppendAsync(db, new AuditEntry("connection.remove", AuditOutcome.Success) { Actor = actor, UserId = userId, Target = row.CredentialAccessor }.With("exchange", row.Exchange).With("label", row.Label), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await notifier.NotifyAsync(
            userId,
            NotificationKind.CredentialRemoved,
            $"{row.Exchange} connection '{row.Label}' removed",
            $"The API key {ConnectionView.Mask(row.ApiKey)} was deleted from Coffer's vault. Delete it on the exchange too if you no longer use it.",
            new Dictionary<string, string> { ["exchange"] = row.Exchange, ["label"] = row.Label },
            cancellationToken);
        return true;
    }

    /// <summary>The user's connections; one whose credential token is no longer live shows as needing its key re-entered.</summary>
    public async Task<IReadOnlyList<ConnectionView>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Table<ConnectionRow>().AsNoTracking().Where(x => x.UserId == userId).ToListAsync(cancellationToken);
        var accessors = rows.Select(x => x.CredentialAccessor).ToList();
        var now = time.GetUtcNow();
        var live = (await db.Tokens.AsNoTracking().Where(t => accessors.Contains(t.Accessor)).ToListAsync(cancellationToken))
            .Where(t => TokenInfo.From(t).IsActiveAt(now)).Select(t => t.Accessor).ToHashSet(StringComparer.Ordinal);
        return [.. rows.OrderBy(x => x.CreatedAt).Select(x => ConnectionView.From(x, settings.EgressAddress, live.Contains(x.CredentialAccessor)))];
    }

    public async Task<ConnectionView?> GetAsync(Guid userId, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<ConnectionRow>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == id && x.UserId == userId, cancellationToken);
        return row is null ? null : ConnectionView.From(row, settings.EgressAddress, await IsCredentialLiveAsync(row, cancellationToken));
    }

    /// <summary>
    /// The connector of a stored connection, for portfolio sync and trading: null unless the connection is active and
    /// its credential token is live (a frozen account, a revoked credential or a lock all stop it here).
    /// </summary>
    public async Task<IExchangeClient?> ClientForAsync(ConnectionRow row, CancellationToken cancellationToken) =>
        await IsUsableAsync(row, cancellationToken) ? CreateClient(row) : null;

    /// <summary>Whether the connection may be used now: active, and its credential token live (not frozen, not revoked).</summary>
    public async Task<bool> IsUsableAsync(ConnectionRow row, CancellationToken cancellationToken) =>
        row.Status == ConnectionRow.Active && await IsCredentialLiveAsync(row, cancellationToken);

    /// <summary>The connector of a stored connection, without the liveness check: callers check <see cref="IsUsableAsync"/> on every use.</summary>
    public IExchangeClient CreateClient(ConnectionRow row)
    {
        var info = ExchangeCatalog.Find(row.Exchange)!;
        return Client(info, row.BaseUrl is null ? info.DefaultBaseUri : new Uri(row.BaseUrl), row.ApiKey, new CredentialHandle(row.UserId, row.SecretId));
    }

    /// <summary>Whether the connection's credential token is live: a freeze or a revocation ends it, and only a new key brings it back.</summary>
    private async Task<bool> IsCredentialLiveAsync(ConnectionRow row, CancellationToken cancellationToken) =>
        await tokens.FindByAccessorAsync(row.CredentialAccessor, cancellationToken) is { } token && token.IsActiveAt(time.GetUtcNow());

    private IExchangeClient Client(ExchangeInfo info, Uri baseUri, string apiKey, CredentialHandle handle) =>
        info.Create(new ExchangeConnection(info.Id, baseUri, new ExchangeCredentials(apiKey, new VaultRequestSigner(vault, handle))), connectors);

    /// <summary>Reads the key's permissions and the balances: two real signed calls.</summary>
    private static async Task<(KeyPermissions? Permissions, ProblemHttpResult? Refused)> VerifyAsync(ExchangeInfo info, IExchangeClient client, CancellationToken cancellationToken)
    {
        try
        {
            var permissions = await client.FetchPermissionsAsync(cancellationToken);
            await client.FetchBalanceAsync(cancellationToken);
            return (permissions, null);
        }
        catch (ExchangeException ex)
        {
            return (null, ex.Kind switch
            {
                ExchangeErrorKind.Authentication => Problem.Result(ProblemType.ExchangeAuthenticationFailed, $"{info.Name} refused the key: {ex.Message} Check that the API key and {info.SecretHint} were copied completely, and that the key is allowed from Coffer's address."),
                ExchangeErrorKind.Permission => Problem.Result(ProblemType.ExchangePermissionDenied, $"{info.Name} answered: {ex.Message} Give the key permission to read the account (and to trade, if Coffer should place orders)."),
                ExchangeErrorKind.RateLimited => Problem.Result(ProblemType.ExchangeRateLimited, $"{ex.Message} Try again in {Math.Ceiling((ex.RetryAfter ?? TimeSpan.FromSeconds(60)).TotalSeconds).ToString(CultureInfo.InvariantCulture)} s."),
                ExchangeErrorKind.Nonce => Problem.Result(ProblemType.ExchangeAuthenticationFailed, ex.Message),
                _ => Problem.Result(ProblemType.ExchangeUnavailable, $"{info.Name} could not verify the key: {ex.Message} Nothing was stored; try again later."),
            });
        }
        catch (VaultException ex) when (ex.Code == VaultError.InvalidSecretForMechanism)
        {
            return (null, Problem.Result(ProblemType.ExchangeAuthenticationFailed, $"The secret is not in {info.Name}'s format: it must be {info.SecretHint}."));
        }
    }

    private static string WithdrawFix(ExchangeInfo info, KeyPermissions permissions)
    {
        var what = permissions.CanWithdraw ? "withdraw" : "transfer";
        return $"This {info.Name} key can {what} funds, so whoever obtained it could move your money out. Nothing was stored. Create a new API key with only reading and trading enabled — never withdrawals or transfers — and connect that one. Reported permissions: {string.Join(", ", permissions.Reported)}.";
    }

    private ProblemHttpResult? BaseUri(string? text, ExchangeInfo info, out Uri uri)
    {
        uri = info.DefaultBaseUri;
        if (text is null)
        {
            return null;
        }

        if (!settings.AllowCustomExchangeUrls)
        {
            return Problem.Result(ProblemType.CustomBaseUrlNotAllowed, $"This server connects only to {info.Name}'s own API ({info.DefaultBaseUri}). Leave base_url out, or ask the operator to allow custom URLs (COFFER_EXCHANGE_CUSTOM_URLS=true; dev mode and the demo allow them).");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(parsed.UserInfo) || !string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.Fragment) || parsed.AbsolutePath != "/")
        {
            return Problem.Result(ProblemType.InvalidArgument, "base_url must be an http(s) URL of scheme, host and port only, e.g. https://testnet.binance.vision or http://127.0.0.1:9001.");
        }

        uri = parsed;
        return null;
    }

    private static ProblemHttpResult? ValidateKey(string? apiKey, string? secret)
    {
        if (apiKey is not { } key || key.Trim().Length is 0 or > MaxApiKey || key.Trim().Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return Problem.Result(ProblemType.InvalidArgument, $"api_key is required: the key id from the exchange's API-key page, without spaces (at most {MaxApiKey} characters).");
        }

        return secret is null || secret.Trim().Length == 0 || Encoding.UTF8.GetByteCount(secret) > CofferVault.MaxSecretBytes
            ? Problem.Result(ProblemType.InvalidArgument, "secret is required (at most 8 KiB). It is stored in the vault and never shown again.")
            : null;
    }

    /// <summary>The user's current root (the one their sessions hang from, as recorded on the user); null when it is revoked (frozen).</summary>
    private async Task<TokenInfo?> TraderRootAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var accessor = await db.Users.Where(u => u.Id == userId).Select(u => u.RootAccessor).SingleOrDefaultAsync(cancellationToken);
        var row = accessor is null ? null : await db.Tokens.AsNoTracking().SingleOrDefaultAsync(x => x.Accessor == accessor && x.Kind == "trader", cancellationToken);
        return row is null || !TokenInfo.From(row).IsActiveAt(time.GetUtcNow()) ? null : TokenInfo.From(row);
    }

    private async Task<bool> LabelTakenAsync(Guid userId, string label, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Table<ConnectionRow>().AnyAsync(x => x.UserId == userId && x.Label == label, cancellationToken);
    }

    private static ProblemHttpResult LabelTaken(string label) =>
        Problem.Result(ProblemType.InvalidArgument, $"You already have a connection labelled '{label}'. Choose another label, or remove that connection first.");

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-check of {Exchange} connection {Connection} failed ({Kind}); trying again next time")]
    private static partial void LogRecheckFailed(ILogger logger, string exchange, Guid connection, ExchangeErrorKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Locked {Exchange} connection {Connection}: the key's permissions grew")]
    private static partial void LogLocked(ILogger logger, string exchange, Guid connection);
}
