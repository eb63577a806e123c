using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Coffer.Server.Data;
using Coffer.Server.Features.Notifications.Smtp;
using Coffer.Server.Features.Notifications.Webhooks;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Hosting;
using Coffer.Server.Problems;
using Coffer.Vault;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Notifications;

/// <summary>
/// <c>/api/v1/notifications</c>: the caller's in-app notifications and their delivery channels (e-mail, webhooks).
/// Everything is scoped to the calling token's user: another user's notification or channel is simply not found.
/// </summary>
internal static class NotificationEndpoints
{
    public const string ReadScope = "notifications:read";
    public const string WriteScope = "notifications:write";
    public const int MaxChannelsPerUser = 20;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    private const int DeliveriesShown = 50;
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());
        services.AddSingleton<Notifier>();
        services.AddSingleton<INotifier>(sp => sp.GetRequiredService<Notifier>());
        return services;
    }

    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/notifications").WithTags("notifications");
        group.MapGet("", List).RequireAuthorization(Read);
        group.MapPost("/{id:guid}/read", MarkRead).RequireAuthorization(Write);
        group.MapGet("/channels", ListChannels).RequireAuthorization(Read);
        group.MapPost("/channels", CreateChannel).RequireAuthorization(Write);
        group.MapGet("/channels/{id:guid}", GetChannel).RequireAuthorization(Read);
        group.MapPatch("/channels/{id:guid}", UpdateChannel).RequireAuthorization(Write);
        group.MapDelete("/channels/{id:guid}", DeleteChannel).RequireAuthorization(Write);
        group.MapPost("/channels/{id:guid}/test", TestChannel).RequireAuthorization(Write);
        group.MapGet("/channels/{id:guid}/deliveries", ListDeliveries).RequireAuthorization(Read);
        return app;
    }

    internal static async Task<Results<Ok<NotificationPage>, ProblemHttpResult>> List(
        ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, bool? unread, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var take = limit ?? DefaultPageSize;
        if (take is < 1 or > MaxPageSize)
        {
            return Problem.Result(ProblemType.InvalidArgument, $"limit must be between 1 and {MaxPageSize}.");
        }

        long? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq < 1)
            {
                return Problem.Result(ProblemType.InvalidArgument, "cursor must be a next_cursor value from an earlier page.");
            }

            before = seq;
        }

        var userId = UserId(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.Table<NotificationRow>().AsNoTracking().Where(n => n.UserId == userId);
        if (unread == true)
        {
            query = query.Where(n => n.ReadAt == null);
        }
        else if (unread == false)
        {
            query = query.Where(n => n.ReadAt != null);
        }

        if (before is { } b)
        {
            query = query.Where(n => n.Seq < b);
        }

        var rows = await query.OrderByDescending(n => n.Seq).Take(take + 1).ToListAsync(cancellationToken);
        var next = rows.Count > take ? rows[take - 1].Seq.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new NotificationPage([.. rows.Take(take).Select(ToResponse)], next));
    }

    internal static async Task<Results<Ok<NotificationResponse>, ProblemHttpResult>> MarkRead(
        Guid id, ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = UserId(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<NotificationRow>().SingleOrDefaultAsync(n => n.Id == id && n.UserId == userId, cancellationToken);
        if (row is null)
        {
            return NotFound("notification");
        }

        // Idempotent: reading twice keeps the first time.
        row.ReadAt ??= StoredTime.Now(time);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ToResponse(row));
    }

    internal static async Task<Ok<ChannelList>> ListChannels(ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken)
    {
        var userId = UserId(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Table<NotificationChannelRow>().AsNoTracking().Where(c => c.UserId == userId).ToListAsync(cancellationToken);
        return TypedResults.Ok(new ChannelList([.. rows.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Select(ToResponse)]));
    }

    internal static async Task<Results<Ok<ChannelResponse>, ProblemHttpResult>> GetChannel(Guid id, ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken)
    {
        var userId = UserId(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<NotificationChannelRow>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.UserId == userId, cancellationToken);
        return row is null ? NotFound("channel") : TypedResults.Ok(ToResponse(row));
    }

    internal static async Task<Results<Created<ChannelCreatedResponse>, ProblemHttpResult>> CreateChannel(
        CreateChannelRequest? request, ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, CofferVault vault, ServerSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        // Everything is checked before anything is stored: a refused request changes nothing (DESIGN §1, promise 5).
        if (request is null)
        {
            return Problem.Result(NotificationProblems.InvalidChannel, "Send {\"type\": \"email\" or \"webhook\", \"target\": address or URL}.");
        }

        if (request.Type is not (NotificationChannelRow.Email or NotificationChannelRow.Webhook))
        {
            return Problem.Result(NotificationProblems.InvalidChannel, "type must be \"email\" or \"webhook\".");
        }

        if (ParseKinds(request.Kinds, out var kinds) is { } kindError)
        {
            return Problem.Result(NotificationProblems.InvalidChannel, kindError);
        }

        var target = request.Target?.Trim() ?? string.Empty;
        string? secret = null;
        if (request.Type == NotificationChannelRow.Email)
        {
            if (settings.Smtp is null)
            {
                return Problem.Result(NotificationProblems.EmailNotConfigured, "This server has no SMTP server configured (COFFER_SMTP_HOST, COFFER_SMTP_FROM); use a webhook, or ask the operator.");
            }

            if (!MailAddressRules.IsValid(target))
            {
                return Problem.Result(NotificationProblems.InvalidChannel, "target must be a plain e-mail address such as you@example.com (ASCII, no display name).");
            }
        }
        else
        {
            var policy = new WebhookAddressPolicy(settings.Notifications.AllowHttpLoopbackWebhooks);
            if (policy.CheckUrl(target, out var uri) is { } shape)
            {
                return Problem.Result(NotificationProblems.WebhookUrlRefused, shape);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ResolveTimeout);
            string? resolved;
            try
            {
                resolved = await policy.CheckResolvedAsync(uri!, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                resolved = $"The webhook host '{uri!.Host}' did not resolve in time.";
            }

            if (resolved is not null)
            {
                return Problem.Result(NotificationProblems.WebhookUrlRefused, resolved);
            }

            target = uri!.AbsoluteUri;
        }

        var userId = UserId(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await db.Table<NotificationChannelRow>().CountAsync(c => c.UserId == userId, cancellationToken) >= MaxChannelsPerUser)
        {
            return Problem.Result(NotificationProblems.ChannelLimit, $"A user can have at most {MaxChannelsPerUser} channels; delete one first.");
        }

        var row = new NotificationChannelRow
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            Type = request.Type,
            Target = target,
            Kinds = string.Join(' ', kinds),
            Enabled = request.Enabled ?? true,
            CreatedAt = StoredTime.Now(time),
        };

        if (row.Type == NotificationChannelRow.Webhook)
        {
            // Write-only from here on: stored in the vault like an exchange secret, used only through its signing oracle.
            secret = NotificationDispatcher.NewWebhookSecret();
            row.SecretId = Guid.NewGuid();
            await vault.StoreSecretAsync(userId, row.SecretId.Value, Encoding.UTF8.GetBytes(secret), cancellationToken);
        }

        db.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            if (row.SecretId is { } orphan)
            {
                await vault.DeleteSecretAsync(userId, orphan, CancellationToken.None);
            }

            throw;
        }

        var created = ToResponse(row);
        return TypedResults.Created(
            $"/api/v1/notifications/channels/{row.Id}",
            new ChannelCreatedResponse(created.Id, created.Type, created.Target, created.Kinds, created.Enabled, created.CreatedAt, secret));
    }

    internal static async Task<Results<Ok<ChannelResponse>, ProblemHttpResult>> UpdateChannel(
        Guid id, UpdateChannelRequest? request, ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken)
    {
        if (request is null || (request.Enabled is null && request.Kinds is null && request.AllKinds is null))
        {
            return Problem.Result(NotificationProblems.InvalidChannel, "Send at least one of enabled, kinds, all_kinds.");
        }

        if (request.AllKinds is not null && request.Kinds is not null)
        {
            return Problem.Result(NotificationProblems.InvalidChannel, "Send kinds or all_kinds, not both.");
        }

        if (request.AllKinds == false)
        {
            return Problem.Result(NotificationProblems.InvalidChannel, "all_kinds can only be true; to narrow the channel, send kinds.");
        }

        var kinds = new List<string>();
        if (request.Kinds is not null && ParseKinds(request.Kinds, out kinds) is { } kindError)
        {
            return Problem.Result(NotificationProblems.InvalidChannel, kindError);
        }

        var userId = UserId(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<NotificationChannelRow>().SingleOrDefaultAsync(c => c.Id == id && c.UserId == userId, cancellationToken);
        if (row is null)
        {
            return NotFound("channel");
        }

        row.Enabled = request.Enabled ?? row.Enabled;
        if (request.Kinds is not null || request.AllKinds == true)
        {
            row.Kinds = string.Join(' ', kinds);
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ToResponse(row));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteChannel(
        Guid id, ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, CofferVault vault, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = UserId(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Table<NotificationChannelRow>().SingleOrDefaultAsync(c => c.Id == id && c.UserId == userId, cancellationToken);
        if (row is null)
        {
            return NotFound("channel");
        }

        var now = StoredTime.Now(time);
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.Table<NotificationDeliveryRow>()
                .Where(d => d.ChannelId == id && d.Status == DeliveryStatus.Pending)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(d => d.Status, DeliveryStatus.Failed)
                        .SetProperty(d => d.LastError, "The channel was deleted.")
                        .SetProperty(d => d.CompletedAt, now),
                    cancellationToken);
            db.Remove(row);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (row.SecretId is { } secretId)
        {
            await vault.DeleteSecretAsync(userId, secretId, cancellationToken);
        }

        return TypedResults.NoContent();
    }

    internal static async Task<Results<Accepted<ChannelTestResponse>, ProblemHttpResult>> TestChannel(
        Guid id, ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, Notifier notifier, CancellationToken cancellationToken)
    {
        var userId = UserId(user);
        NotificationChannelRow? channel;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            channel = await db.Table<NotificationChannelRow>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id && c.UserId == userId, cancellationToken);
        }

        if (channel is null)
        {
            return NotFound("channel");
        }

        // Sent even to a disabled channel or one that filters this kind out: the user asked for this one.
        var (notificationId, deliveries) = await notifier.RecordAsync(
            userId,
            NotificationKind.ChannelTest,
            "Test notification",
            $"This is a test of your Coffer {channel.Type} notification channel. If it reached you, the channel works.",
            new Dictionary<string, string> { ["channel_id"] = channel.Id.ToString() },
            channel,
            cancellationToken);
        return TypedResults.Accepted($"/api/v1/notifications/channels/{id}/deliveries", new ChannelTestResponse(notificationId, deliveries[0]));
    }

    internal static async Task<Results<Ok<DeliveryList>, ProblemHttpResult>> ListDeliveries(Guid id, ClaimsPrincipal user, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken)
    {
        var userId = UserId(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (!await db.Table<NotificationChannelRow>().AnyAsync(c => c.Id == id && c.UserId == userId, cancellationToken))
        {
            return NotFound("channel");
        }

        // Newest first, by the notification's insertion order (the timestamps cannot be ordered on SQLite).
        var rows = await (
            from d in db.Table<NotificationDeliveryRow>().AsNoTracking()
            join n in db.Table<NotificationRow>().AsNoTracking() on d.NotificationId equals n.Id
            where d.ChannelId == id && d.UserId == userId
            orderby n.Seq descending
            select d).Take(DeliveriesShown).ToListAsync(cancellationToken);
        return TypedResults.Ok(new DeliveryList([.. rows.Select(ToResponse)]));
    }

    /// <summary>Null for none (every kind); otherwise the distinct kind names. Returns the reason they are refused, or null.</summary>
    private static string? ParseKinds(IReadOnlyList<string>? requested, out List<string> kinds)
    {
        kinds = [];
        if (requested is null)
        {
            return null;
        }

        if (requested.Count == 0)
        {
            return "kinds must name at least one kind; leave it out for every kind.";
        }

        foreach (var name in requested)
        {
            if (!NotificationKinds.TryParse(name, out var kind) || kind == NotificationKind.ChannelTest)
            {
                return $"Unknown notification kind. Known kinds: {string.Join(", ", NotificationKinds.All.Where(k => k != NotificationKind.ChannelTest.Name()))}.";
            }

            if (!kinds.Contains(name, StringComparer.Ordinal))
            {
                kinds.Add(name);
            }
        }

        return null;
    }

    private static Guid UserId(ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("An authenticated principal without a user id."), CultureInfo.InvariantCulture);

    private static ProblemHttpResult NotFound(string what) => Problem.Result(ProblemType.NotFound, $"No such {what}.");

    private static void Read(Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder policy) => policy.RequireClaim(TokenAuthenticationHandler.ScopeClaim, ReadScope);

    private static void Write(Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder policy) => policy.RequireClaim(TokenAuthenticationHandler.ScopeClaim, WriteScope);

    private static NotificationResponse ToResponse(NotificationRow row)
    {
        using var details = JsonDocument.Parse(row.Details);
        return new NotificationResponse(row.Id, row.Kind, row.Title, row.Body, details.RootElement.Clone(), row.OccurredAt, row.ReadAt);
    }

    private static ChannelResponse ToResponse(NotificationChannelRow row) => new(
        row.Id,
        row.Type,
        row.Target,
        row.Kinds.Length == 0 ? null : row.Kinds.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        row.Enabled,
        row.CreatedAt);

    private static DeliveryResponse ToResponse(NotificationDeliveryRow row) => new(
        row.Id,
        row.NotificationId,
        row.ChannelId,
        row.Status,
        row.Attempts,
        row.CreatedAt,
        row.LastAttemptAt,
        row.Status == DeliveryStatus.Pending ? DateTimeOffset.FromUnixTimeMilliseconds(row.NextAttemptAtMs) : null,
        row.LastCode,
        row.LastError,
        row.CompletedAt);
}
