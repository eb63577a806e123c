using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Coffer.Server.Data;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Hosting;
using Coffer.Server.Tests.Storage;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Notifications;

/// <summary>
/// A started, initialized and unsealed Coffer server for notification tests, on SQLite or PostgreSQL, with short
/// retry delays (so tests stay quick without asserting on time) and http webhooks to loopback allowed unless told otherwise.
/// </summary>
internal sealed class NotificationHarness : IAsyncDisposable
{
    public static readonly NotificationSettings FastRetries = new()
    {
        AllowHttpLoopbackWebhooks = true,
        MaxAttempts = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(100),
        PollInterval = TimeSpan.FromMilliseconds(200),
        WebhookTimeout = TimeSpan.FromSeconds(5),
        SealedDeferral = TimeSpan.FromMilliseconds(200),
    };

    private readonly StorageUnderTest _storage;

    private readonly IReadOnlyList<string> _shares;

    private NotificationHarness(StorageUnderTest storage, ServerInstance server, IReadOnlyList<string> shares, string adminToken, Guid adminUser)
    {
        _storage = storage;
        _shares = shares;
        Server = server;
        AdminToken = adminToken;
        AdminUser = adminUser;
    }

    public ServerInstance Server { get; }

    /// <summary>The initial admin token (it has notifications:read and notifications:write).</summary>
    public string AdminToken { get; }

    public Guid AdminUser { get; }

    public INotifier Notifier => Server.Services.GetRequiredService<INotifier>();

    public static async Task<NotificationHarness> StartAsync(string provider = "sqlite", SmtpSettings? smtp = null, NotificationSettings? notifications = null)
    {
        var storage = await StorageUnderTest.CreateAsync(provider);
        var settings = storage.Settings() with { Smtp = smtp, Notifications = notifications ?? FastRetries };
        var server = await ServerInstance.StartAsync(settings);
        var (shares, token) = await server.InitAndUnsealAsync();
        var info = (await server.Services.GetRequiredService<TokenStore>().AuthenticateAsync(token, null, default)).Info;
        return new NotificationHarness(storage, server, shares, token, info!.UserId);
    }

    public static SmtpSettings Smtp(SmtpTestServer smtp, SmtpTlsMode tls = SmtpTlsMode.StartTls, string? username = null, string? password = null) => new()
    {
        Host = "127.0.0.1",
        Port = smtp.Port,
        From = "coffer@coffer.test",
        Tls = tls,
        Username = username,
        Password = password,
        CaCertificatePath = smtp.CaCertificatePath,
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Unseals with the quorum of shares handed out at init (the harness uses 3 shares, threshold 2).</summary>
    public async Task UnsealAsync()
    {
        foreach (var share in _shares.Take(2))
        {
            using var response = await Server.PostJsonAsync("/api/v1/sys/unseal", new { share });
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>A token of another user (or of the admin's user, with <paramref name="userId"/>) with the given scopes.</summary>
    public async Task<(string Token, Guid UserId)> CreateUserTokenAsync(Guid? userId = null, params string[] scopes)
    {
        var user = userId ?? Guid.NewGuid();
        var (token, _) = await Server.InsertAsync(user, scopes.Length == 0 ? [NotificationEndpoints.ReadScope, NotificationEndpoints.WriteScope] : scopes);
        return (token, user);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? token = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: ServerInstance.Json);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return Server.Client.SendAsync(request);
    }

    public async Task<JsonElement> JsonAsync(HttpMethod method, string path, object? body = null, string? token = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await SendAsync(method, path, body, token ?? AdminToken);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
    }

    /// <summary>Creates a channel for the admin (or <paramref name="token"/>'s user); returns its id and the secret shown once.</summary>
    public async Task<(Guid Id, string? Secret)> CreateChannelAsync(string type, string target, string[]? kinds = null, string? token = null)
    {
        var body = await JsonAsync(HttpMethod.Post, "/api/v1/notifications/channels", new { type, target, kinds }, token, HttpStatusCode.Created);
        var secret = body.GetProperty("secret");
        return (body.GetProperty("id").GetGuid(), secret.ValueKind == JsonValueKind.String ? secret.GetString() : null);
    }

    /// <summary>The channel's deliveries, newest first, through the API.</summary>
    public async Task<IReadOnlyList<JsonElement>> DeliveriesAsync(Guid channelId, string? token = null) =>
        [.. (await JsonAsync(HttpMethod.Get, $"/api/v1/notifications/channels/{channelId}/deliveries", token: token)).GetProperty("items").EnumerateArray()];

    /// <summary>Waits until the channel's newest delivery is no longer pending, and returns it.</summary>
    public async Task<JsonElement> WaitForCompletedDeliveryAsync(Guid channelId)
    {
        JsonElement last = default;
        await Eventually.TrueAsync(
            async () =>
            {
                var all = await DeliveriesAsync(channelId);
                if (all.Count == 0)
                {
                    return false;
                }

                last = all[0];
                return last.GetProperty("status").GetString() != DeliveryStatus.Pending;
            },
            "the delivery to complete");
        return last;
    }

    public async Task<NotificationDeliveryRow> DeliveryRowAsync(Guid channelId)
    {
        var factory = Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>();
        await using var db = await factory.CreateDbContextAsync();
        return await db.Table<NotificationDeliveryRow>().AsNoTracking().SingleAsync(d => d.ChannelId == channelId);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await _storage.DisposeAsync();
    }
}
