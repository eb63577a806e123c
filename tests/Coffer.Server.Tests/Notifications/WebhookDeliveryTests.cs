using System.Text.Json;
using Coffer.Server.Data;
using Coffer.Server.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Notifications;

public sealed class WebhookDeliveryTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Notify_WebhookChannel_ReceiverVerifiesSignatureWithSecretShownOnce(string provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var coffer = await NotificationHarness.StartAsync(provider);
        var (channel, secret) = await coffer.CreateChannelAsync("webhook", receiver.Url.ToString());
        Assert.NotNull(secret);

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.TokenCreated, "Token created", "A token acc_abc was created.", new Dictionary<string, string> { ["accessor"] = "acc_abc" }, default);

        var delivery = await coffer.WaitForCompletedDeliveryAsync(channel);
        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        var request = Assert.Single(receiver.Received);
        Assert.True(request.SignatureValid(secret), "The signature does not verify with the secret shown at creation.");
        Assert.False(request.SignatureValid(secret + "x"));
        Assert.Matches("^v1=[0-9a-f]{64}$", request.Signature);
        var timestamp = long.Parse(request.Timestamp, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        Assert.Equal(delivery.GetProperty("id").GetGuid().ToString(), request.Delivery);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        var body = JsonSerializer.Deserialize<JsonElement>(request.Body);
        Assert.Equal("token.created", body.GetProperty("kind").GetString());
        Assert.Equal("Token created", body.GetProperty("title").GetString());
        Assert.Equal("acc_abc", body.GetProperty("details").GetProperty("accessor").GetString());
        Assert.Equal(request.Delivery, body.GetProperty("delivery_id").GetString());
    }

    [Fact]
    public async Task Notify_Receiver500Twice_RetriesThenDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var coffer = await NotificationHarness.StartAsync();
        var (channel, secret) = await coffer.CreateChannelAsync("webhook", receiver.Url.ToString());
        receiver.Respond((500, null), (503, null));

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.TokenRevoked, "Token revoked", "acc_x was revoked.", null, default);

        var delivery = await coffer.WaitForCompletedDeliveryAsync(channel);
        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(3, receiver.Received.Count);
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid(secret!)));
        Assert.Single(receiver.Received.Select(r => r.Delivery).Distinct());
        Assert.Single(receiver.Received.Select(r => r.BodyText).Distinct());
    }

    [Fact]
    public async Task Notify_ReceiverAlways500_GivesUpAfterMaxAttemptsAndRecordsFailure()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var coffer = await NotificationHarness.StartAsync();
        var (channel, _) = await coffer.CreateChannelAsync("webhook", receiver.Url.ToString());
        receiver.Respond((500, null), (500, null), (500, null), (500, null));

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.AccountFrozen, "Account frozen", "Frozen.", null, default);

        var delivery = await coffer.WaitForCompletedDeliveryAsync(channel);
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(NotificationHarness.FastRetries.MaxAttempts, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(500, delivery.GetProperty("last_code").GetInt32());
        Assert.Contains("Gave up", delivery.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(NotificationHarness.FastRetries.MaxAttempts, receiver.Received.Count);
    }

    [Fact]
    public async Task Notify_Receiver400_FailsWithoutRetry()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var coffer = await NotificationHarness.StartAsync();
        var (channel, _) = await coffer.CreateChannelAsync("webhook", receiver.Url.ToString(), ["token.created"]);
        receiver.Respond((400, null));

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.TokenCreated, "Token created", "acc_y", null, default);

        var delivery = await coffer.WaitForCompletedDeliveryAsync(channel);
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(400, delivery.GetProperty("last_code").GetInt32());

        // A later delivery (to a channel for another kind) proves the dispatcher moved on; the first was tried once.
        var (other, _) = await coffer.CreateChannelAsync("webhook", receiver.Url.ToString(), ["token.revoked"]);
        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.TokenRevoked, "Token revoked", "acc_z", null, default);
        Assert.Equal("delivered", (await coffer.WaitForCompletedDeliveryAsync(other)).GetProperty("status").GetString());
        Assert.Equal(1, (await coffer.DeliveryRowAsync(channel)).Attempts);
        Assert.Equal(2, receiver.Received.Count);
    }

    [Fact]
    public async Task Notify_Receiver429WithRetryAfter_NextTryScheduledNoEarlier()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var coffer = await NotificationHarness.StartAsync();
        var (channel, _) = await coffer.CreateChannelAsync("webhook", receiver.Url.ToString());
        receiver.Respond((429, "120"));

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.OrderLarge, "Large order", "A large order was placed.", null, default);

        await Eventually.TrueAsync(async () => (await coffer.DeliveryRowAsync(channel)).Attempts == 1, "the first try");
        var row = await coffer.DeliveryRowAsync(channel);
        Assert.Equal(DeliveryStatus.Pending, row.Status);
        Assert.Equal(429, row.LastCode);

        // The back-off alone would be about 20 ms; the receiver asked for two minutes, and that is what was scheduled.
        // (Both sides in whole milliseconds, as the due time is stored.)
        var scheduledMs = row.NextAttemptAtMs - row.LastAttemptAt!.Value.ToUnixTimeMilliseconds();
        Assert.True(scheduledMs >= 120_000, $"The next try was scheduled {scheduledMs} ms after the 429, not after Retry-After: 120.");
        Assert.True(scheduledMs < 121_000, $"Scheduled {scheduledMs} ms later; Retry-After was 120 s.");
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Notify_StoredUrlResolvesToLoopbackWithoutPermission_RefusedAtConnectTime()
    {
        // As if the name had resolved to a public address at creation and to loopback now (DNS rebinding): the
        // channel row is written directly, past the API's check, and only the connect-time check stands in the way.
        using var counter = new ConnectionCounter();
        await using var coffer = await NotificationHarness.StartAsync(notifications: NotificationHarness.FastRetries with { AllowHttpLoopbackWebhooks = false });
        var secretId = Guid.NewGuid();
        await coffer.Server.Vault.StoreSecretAsync(coffer.AdminUser, secretId, "cofwh_test"u8.ToArray(), default);
        var channelId = Guid.NewGuid();
        var factory = coffer.Server.Services.GetRequiredService<IDbContextFactory<CofferDb>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.Add(new NotificationChannelRow
            {
                Id = channelId,
                UserId = coffer.AdminUser,
                Type = NotificationChannelRow.Webhook,
                Target = $"https://localhost:{counter.Port}/hook",
                SecretId = secretId,
                Kinds = string.Empty,
                Enabled = true,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.SigninNewDevice, "New sign-in", "From 203.0.113.9.", null, default);

        var delivery = await coffer.WaitForCompletedDeliveryAsync(channelId);
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Contains("does not send to", delivery.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, counter.Count);
    }

    [Fact]
    public async Task Notify_VaultSealed_WebhookWaitsWithoutUsingTriesThenDeliversAfterUnseal()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var coffer = await NotificationHarness.StartAsync();
        var (channel, secret) = await coffer.CreateChannelAsync("webhook", receiver.Url.ToString());
        using (var seal = await coffer.SendAsync(HttpMethod.Post, "/api/v1/sys/seal", token: coffer.AdminToken))
        {
            seal.EnsureSuccessStatusCode();
        }

        // Sealing notifies the admins by itself (SealNotifications); the webhook has to wait for the vault to sign it.
        await Eventually.TrueAsync(async () => (await coffer.DeliveryRowAsync(channel)).LastError is not null, "the dispatcher to look at the delivery");
        var waiting = await coffer.DeliveryRowAsync(channel);
        Assert.Equal(DeliveryStatus.Pending, waiting.Status);
        Assert.Equal(0, waiting.Attempts);
        Assert.Empty(receiver.Received);

        await coffer.UnsealAsync();
        await Eventually.TrueAsync(async () => (await coffer.DeliveryRowAsync(channel)).Status == DeliveryStatus.Delivered, "delivery after unseal");
        var delivered = Assert.Single(receiver.Received);
        Assert.True(delivered.SignatureValid(secret!));
        Assert.Contains("sys.sealed", delivered.BodyText, StringComparison.Ordinal);
    }
}
