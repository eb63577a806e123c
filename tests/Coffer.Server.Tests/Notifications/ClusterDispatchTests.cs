using Coffer.Server.Features.Notifications;
using Coffer.Server.Tests.Storage;
using Coffer.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Notifications;

/// <summary>A delivery queued on one node wakes every node's dispatcher over LISTEN/NOTIFY, not at the next poll.</summary>
public sealed class ClusterDispatchTests
{
    [Fact]
    public async Task Notify_OnNodeWhoseDispatcherIsStopped_OtherNodeDeliversWithoutWaitingForItsPoll()
    {
        // A poll far longer than the test may wait: only the wake-up can get the delivery out in time.
        var settings = NotificationHarness.FastRetries with { PollInterval = TimeSpan.FromHours(1) };
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var storage = await StorageUnderTest.CreateAsync("postgres");
        await using var nodeA = await ServerInstance.StartAsync(storage.Settings() with { Notifications = settings });
        var (shares, admin) = await nodeA.InitAndUnsealAsync();
        await using var nodeB = await ServerInstance.StartAsync(storage.Settings() with { Notifications = settings });
        foreach (var share in shares.Take(2))
        {
            (await nodeB.PostJsonAsync("/api/v1/sys/unseal", new { share })).EnsureSuccessStatusCode().Dispose();
        }

        using (var channel = await nodeA.PostJsonAsync("/api/v1/notifications/channels", new { type = "webhook", target = receiver.Url.ToString() }, admin))
        {
            channel.EnsureSuccessStatusCode();
        }

        // Node A cannot send: whatever gets the delivery out is node B's dispatcher.
        await nodeA.Services.GetRequiredService<NotificationDispatcher>().StopAsync(default);
        var user = (await nodeA.Services.GetRequiredService<Features.Tokens.TokenStore>().AuthenticateAsync(admin, null, default)).Info!.UserId;

        await nodeA.Services.GetRequiredService<INotifier>().NotifyAsync(user, NotificationKind.TokenCreated, "Token created", "A token acc_abc was created.", null, default);

        await Eventually.TrueAsync(() => Task.FromResult(receiver.Received.Count == 1), "node B to deliver the webhook");
    }
}
