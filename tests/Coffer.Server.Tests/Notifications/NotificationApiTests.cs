using System.Net;
using System.Text.Json;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Tests.Support;

namespace Coffer.Server.Tests.Notifications;

public sealed class NotificationApiTests
{
    private const string Channels = "/api/v1/notifications/channels";
    private static readonly string[] TokenKindsWithDuplicate = ["token.created", "token.revoked", "token.created"];
    private static readonly string[] OrderLarge = ["order.large"];
    private static readonly string[] AccountFrozen = ["account.frozen"];

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Channels_CreateListGetDelete_SecretShownOnlyAtCreation(string provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var coffer = await NotificationHarness.StartAsync(provider, new SmtpSettings { Host = "127.0.0.1", Port = 1, From = "coffer@coffer.test" });

        var created = await coffer.JsonAsync(HttpMethod.Post, Channels, new { type = "webhook", target = receiver.Url.ToString(), kinds = TokenKindsWithDuplicate }, expected: HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        var secret = created.GetProperty("secret").GetString()!;
        Assert.Matches("^cofwh_[A-Za-z0-9_-]{43}$", secret);
        Assert.Equal(["token.created", "token.revoked"], created.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()));
        Assert.True(created.GetProperty("enabled").GetBoolean());
        var email = await coffer.JsonAsync(HttpMethod.Post, Channels, new { type = "email", target = "me@example.com", enabled = false }, expected: HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, email.GetProperty("secret").ValueKind);
        Assert.Equal(JsonValueKind.Null, email.GetProperty("kinds").ValueKind);

        using (var list = await coffer.SendAsync(HttpMethod.Get, Channels, token: coffer.AdminToken))
        {
            var text = await list.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("\"secret\"", text, StringComparison.Ordinal);
            var items = JsonSerializer.Deserialize<JsonElement>(text).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(2, items.Count);
            Assert.Contains(items, i => i.GetProperty("id").GetGuid() == id && i.GetProperty("type").GetString() == "webhook");
            Assert.Contains(items, i => i.GetProperty("type").GetString() == "email" && !i.GetProperty("enabled").GetBoolean());
        }

        using (var get = await coffer.SendAsync(HttpMethod.Get, $"{Channels}/{id}", token: coffer.AdminToken))
        {
            var text = await get.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        await coffer.JsonAsync(HttpMethod.Delete, $"{Channels}/{id}", expected: HttpStatusCode.NoContent);
        await coffer.JsonAsync(HttpMethod.Get, $"{Channels}/{id}", expected: HttpStatusCode.NotFound);
        await coffer.JsonAsync(HttpMethod.Delete, $"{Channels}/{id}", expected: HttpStatusCode.NotFound);
        Assert.Single((await coffer.JsonAsync(HttpMethod.Get, Channels)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task TestChannel_Webhook_SendsSignedTestNotificationAndShowsDelivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var coffer = await NotificationHarness.StartAsync();

        // Narrowed to one kind and disabled: the test goes out all the same, because the user asked for it.
        var created = await coffer.JsonAsync(HttpMethod.Post, Channels, new { type = "webhook", target = receiver.Url.ToString(), kinds = OrderLarge, enabled = false }, expected: HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();

        var test = await coffer.JsonAsync(HttpMethod.Post, $"{Channels}/{id}/test", expected: HttpStatusCode.Accepted);

        var delivery = await coffer.WaitForCompletedDeliveryAsync(id);
        Assert.Equal(test.GetProperty("delivery_id").GetGuid(), delivery.GetProperty("id").GetGuid());
        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        var request = Assert.Single(receiver.Received);
        Assert.True(request.SignatureValid(created.GetProperty("secret").GetString()!));
        Assert.Equal("channel.test", JsonSerializer.Deserialize<JsonElement>(request.Body).GetProperty("kind").GetString());

        // A disabled channel gets no ordinary notifications.
        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.OrderLarge, "Large order", "Big.", null, default);
        Assert.Single(await coffer.DeliveriesAsync(id));
    }

    [Fact]
    public async Task UpdateChannel_EnableAndChangeKinds_Applies()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var coffer = await NotificationHarness.StartAsync();
        var created = await coffer.JsonAsync(HttpMethod.Post, Channels, new { type = "webhook", target = receiver.Url.ToString(), enabled = false }, expected: HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();

        var updated = await coffer.JsonAsync(HttpMethod.Patch, $"{Channels}/{id}", new { enabled = true, kinds = AccountFrozen });
        Assert.True(updated.GetProperty("enabled").GetBoolean());
        Assert.Equal(["account.frozen"], updated.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()));

        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.TokenCreated, "Token created", "acc_1", null, default);
        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.AccountFrozen, "Account frozen", "Frozen.", null, default);
        await coffer.WaitForCompletedDeliveryAsync(id);
        Assert.Single(await coffer.DeliveriesAsync(id));

        var all = await coffer.JsonAsync(HttpMethod.Patch, $"{Channels}/{id}", new { all_kinds = true });
        Assert.Equal(JsonValueKind.Null, all.GetProperty("kinds").ValueKind);
        using var both = await coffer.SendAsync(HttpMethod.Patch, $"{Channels}/{id}", new { all_kinds = true, kinds = AccountFrozen }, coffer.AdminToken);
        await ProblemAssert.AssertAsync(both, HttpStatusCode.BadRequest, "invalid-channel");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Notifications_ListPagesNewestFirst_UnreadFilterAndMarkRead(string provider)
    {
        await using var coffer = await NotificationHarness.StartAsync(provider);
        for (var i = 0; i < 5; i++)
        {
            await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.TokenCreated, $"Token {i}", $"acc_{i}", new Dictionary<string, string> { ["accessor"] = $"acc_{i}", ["camelKey"] = "kept" }, default);
        }

        var first = await coffer.JsonAsync(HttpMethod.Get, "/api/v1/notifications?limit=2");
        Assert.Equal(["Token 4", "Token 3"], first.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("title").GetString()));
        Assert.Equal("kept", first.GetProperty("items")[0].GetProperty("details").GetProperty("camelKey").GetString());
        var cursor = first.GetProperty("next_cursor").GetString();
        var second = await coffer.JsonAsync(HttpMethod.Get, $"/api/v1/notifications?limit=2&cursor={cursor}");
        Assert.Equal(["Token 2", "Token 1"], second.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("title").GetString()));
        var third = await coffer.JsonAsync(HttpMethod.Get, $"/api/v1/notifications?limit=2&cursor={second.GetProperty("next_cursor").GetString()}");
        Assert.Equal(["Token 0"], third.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("title").GetString()));
        Assert.Equal(JsonValueKind.Null, third.GetProperty("next_cursor").ValueKind);

        var id = first.GetProperty("items")[1].GetProperty("id").GetGuid();
        var read = await coffer.JsonAsync(HttpMethod.Post, $"/api/v1/notifications/{id}/read");
        var readAt = read.GetProperty("read_at").GetDateTimeOffset();
        var again = await coffer.JsonAsync(HttpMethod.Post, $"/api/v1/notifications/{id}/read");
        Assert.Equal(readAt, again.GetProperty("read_at").GetDateTimeOffset());

        var unread = await coffer.JsonAsync(HttpMethod.Get, "/api/v1/notifications?unread=true");
        Assert.Equal(4, unread.GetProperty("items").GetArrayLength());
        Assert.DoesNotContain(unread.GetProperty("items").EnumerateArray(), n => n.GetProperty("id").GetGuid() == id);
        var readOnly = await coffer.JsonAsync(HttpMethod.Get, "/api/v1/notifications?unread=false");
        Assert.Equal(id, Assert.Single(readOnly.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Endpoints_NoToken_401()
    {
        await using var coffer = await NotificationHarness.StartAsync();
        foreach (var (method, path) in Routes(Guid.NewGuid()))
        {
            using var response = await coffer.SendAsync(method, path, method == HttpMethod.Get || method == HttpMethod.Delete ? null : new { });
            await ProblemAssert.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        }
    }

    [Fact]
    public async Task Endpoints_TokenWithoutScope_403AndReadScopeCannotWrite()
    {
        await using var coffer = await NotificationHarness.StartAsync();
        var (none, _) = await coffer.CreateUserTokenAsync(coffer.AdminUser, "sys:status");
        foreach (var (method, path) in Routes(Guid.NewGuid()))
        {
            using var response = await coffer.SendAsync(method, path, method == HttpMethod.Get || method == HttpMethod.Delete ? null : new { }, none);
            await ProblemAssert.AssertAsync(response, HttpStatusCode.Forbidden, "forbidden");
        }

        var (reader, _) = await coffer.CreateUserTokenAsync(coffer.AdminUser, NotificationEndpoints.ReadScope);
        using (var list = await coffer.SendAsync(HttpMethod.Get, Channels, token: reader))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        using var create = await coffer.SendAsync(HttpMethod.Post, Channels, new { type = "webhook", target = "https://93.184.215.14/hook" }, reader);
        await ProblemAssert.AssertAsync(create, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Endpoints_OtherUsersChannelAndNotification_404AndUntouched()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var coffer = await NotificationHarness.StartAsync();
        var (channel, _) = await coffer.CreateChannelAsync("webhook", receiver.Url.ToString());
        await coffer.Notifier.NotifyAsync(coffer.AdminUser, NotificationKind.TokenCreated, "Token created", "acc_1", null, default);
        var notification = (await coffer.JsonAsync(HttpMethod.Get, "/api/v1/notifications")).GetProperty("items")[0].GetProperty("id").GetGuid();
        var (other, _) = await coffer.CreateUserTokenAsync();

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"{Channels}/{channel}"),
            (HttpMethod.Delete, $"{Channels}/{channel}"),
            (HttpMethod.Post, $"{Channels}/{channel}/test"),
            (HttpMethod.Get, $"{Channels}/{channel}/deliveries"),
            (HttpMethod.Post, $"/api/v1/notifications/{notification}/read"),
        })
        {
            using var response = await coffer.SendAsync(method, path, token: other);
            await ProblemAssert.AssertAsync(response, HttpStatusCode.NotFound, "not-found");
        }

        using (var patch = await coffer.SendAsync(HttpMethod.Patch, $"{Channels}/{channel}", new { enabled = false }, other))
        {
            await ProblemAssert.AssertAsync(patch, HttpStatusCode.NotFound, "not-found");
        }

        Assert.Empty((await coffer.JsonAsync(HttpMethod.Get, Channels, token: other)).GetProperty("items").EnumerateArray());
        Assert.Empty((await coffer.JsonAsync(HttpMethod.Get, "/api/v1/notifications", token: other)).GetProperty("items").EnumerateArray());
        var mine = await coffer.JsonAsync(HttpMethod.Get, $"{Channels}/{channel}");
        Assert.True(mine.GetProperty("enabled").GetBoolean());
        var stillUnread = await coffer.JsonAsync(HttpMethod.Get, "/api/v1/notifications?unread=true");
        Assert.Single(stillUnread.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Endpoints_UnknownIds_404()
    {
        await using var coffer = await NotificationHarness.StartAsync();
        var id = Guid.NewGuid();
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"{Channels}/{id}"),
            (HttpMethod.Delete, $"{Channels}/{id}"),
            (HttpMethod.Post, $"{Channels}/{id}/test"),
            (HttpMethod.Get, $"{Channels}/{id}/deliveries"),
            (HttpMethod.Post, $"/api/v1/notifications/{id}/read"),
            (HttpMethod.Post, "/api/v1/notifications/not-a-guid/read"),
        })
        {
            using var response = await coffer.SendAsync(method, path, token: coffer.AdminToken);
            await ProblemAssert.AssertAsync(response, HttpStatusCode.NotFound, "not-found");
        }
    }

    public static TheoryData<string, string> BadChannels => new()
    {
        { """{"type":"sms","target":"+15550100"}""", "invalid-channel" },
        { """{"target":"me@example.com"}""", "invalid-channel" },
        { """{"type":"email"}""", "invalid-channel" },
        { """{"type":"email","target":"not an address"}""", "invalid-channel" },
        { """{"type":"email","target":"me@example.com\r\nBcc: victim@example.com"}""", "invalid-channel" },
        { """{"type":"email","target":"Me <me@example.com>"}""", "invalid-channel" },
        { """{"type":"email","target":"me@example.com","kinds":[]}""", "invalid-channel" },
        { """{"type":"email","target":"me@example.com","kinds":["token.stolen"]}""", "invalid-channel" },
        { """{"type":"email","target":"me@example.com","kinds":["channel.test"]}""", "invalid-channel" },
        { """{"type":"email","target":"me@example.com","colour":"red"}""", "invalid-request" },
        { """{"type":"email","target":"me@example.com","enabled":"yes"}""", "invalid-request" },
        { """[1,2]""", "invalid-request" },
        { """{"type":"webhook","target":"not a url"}""", "webhook-url-refused" },
        { """{"type":"webhook","target":"ftp://93.184.215.14/hook"}""", "webhook-url-refused" },
        { """{"type":"webhook","target":"http://93.184.215.14/hook"}""", "webhook-url-refused" },
        { """{"type":"webhook","target":"https://user:pw@93.184.215.14/hook"}""", "webhook-url-refused" },
    };

    [Theory]
    [MemberData(nameof(BadChannels))]
    public async Task CreateChannel_BadInput_400AndNothingStored(string json, string slug)
    {
        await using var coffer = await NotificationHarness.StartAsync(smtp: new SmtpSettings { Host = "127.0.0.1", Port = 1, From = "coffer@coffer.test" });

        using var response = await coffer.Server.PostRawAsync(Channels, json, token: coffer.AdminToken);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, slug);
        Assert.Empty((await coffer.JsonAsync(HttpMethod.Get, Channels)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task CreateChannel_EmailWithoutSmtpConfigured_400ThatSaysSo()
    {
        await using var coffer = await NotificationHarness.StartAsync();

        using var response = await coffer.SendAsync(HttpMethod.Post, Channels, new { type = "email", target = "me@example.com" }, coffer.AdminToken);

        var problem = await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "email-not-configured");
        Assert.Contains("COFFER_SMTP_HOST", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=201")]
    [InlineData("?limit=ten")]
    [InlineData("?cursor=abc")]
    [InlineData("?cursor=-1")]
    [InlineData("?unread=maybe")]
    public async Task List_BadQuery_400(string query)
    {
        await using var coffer = await NotificationHarness.StartAsync();

        using var response = await coffer.SendAsync(HttpMethod.Get, "/api/v1/notifications" + query, token: coffer.AdminToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://192.168.0.10/hook")]
    [InlineData("https://172.20.0.1/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://100.64.0.1/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("http://127.0.0.1:8080/hook")]
    public async Task CreateChannel_PrivateOrLoopbackWebhookWithoutPermission_RefusedAsSsrf(string url)
    {
        await using var coffer = await NotificationHarness.StartAsync(notifications: NotificationHarness.FastRetries with { AllowHttpLoopbackWebhooks = false });

        using var response = await coffer.SendAsync(HttpMethod.Post, Channels, new { type = "webhook", target = url }, coffer.AdminToken);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "webhook-url-refused");
        Assert.Empty((await coffer.JsonAsync(HttpMethod.Get, Channels)).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("http://93.184.215.14/hook")]
    [InlineData("http://10.0.0.1/hook")]
    public async Task CreateChannel_LoopbackAllowed_PrivateAndPlainHttpElsewhereStillRefused(string url)
    {
        await using var coffer = await NotificationHarness.StartAsync();

        using var response = await coffer.SendAsync(HttpMethod.Post, Channels, new { type = "webhook", target = url }, coffer.AdminToken);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.BadRequest, "webhook-url-refused");
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hook")]
    [InlineData("https://localhost:9/hook")]
    public async Task CreateChannel_LoopbackAllowed_Accepted(string url)
    {
        await using var coffer = await NotificationHarness.StartAsync();

        await coffer.JsonAsync(HttpMethod.Post, Channels, new { type = "webhook", target = url }, expected: HttpStatusCode.Created);
    }

    [Fact]
    public async Task CreateChannel_PublicHttpsAddressWithoutLoopbackPermission_Accepted()
    {
        await using var coffer = await NotificationHarness.StartAsync(notifications: NotificationHarness.FastRetries with { AllowHttpLoopbackWebhooks = false });

        var created = await coffer.JsonAsync(HttpMethod.Post, Channels, new { type = "webhook", target = "https://93.184.215.14/hooks/coffer" }, expected: HttpStatusCode.Created);

        Assert.Equal("https://93.184.215.14/hooks/coffer", created.GetProperty("target").GetString());
    }

    [Fact]
    public async Task CreateChannel_MoreThanLimit_409()
    {
        await using var coffer = await NotificationHarness.StartAsync();
        for (var i = 0; i < NotificationEndpoints.MaxChannelsPerUser; i++)
        {
            await coffer.CreateChannelAsync("webhook", $"http://127.0.0.1:9/hook{i}");
        }

        using var response = await coffer.SendAsync(HttpMethod.Post, Channels, new { type = "webhook", target = "http://127.0.0.1:9/one-more" }, coffer.AdminToken);

        await ProblemAssert.AssertAsync(response, HttpStatusCode.Conflict, "channel-limit");
    }

    private static IEnumerable<(HttpMethod Method, string Path)> Routes(Guid id) =>
    [
        (HttpMethod.Get, "/api/v1/notifications"),
        (HttpMethod.Post, $"/api/v1/notifications/{id}/read"),
        (HttpMethod.Get, Channels),
        (HttpMethod.Post, Channels),
        (HttpMethod.Get, $"{Channels}/{id}"),
        (HttpMethod.Patch, $"{Channels}/{id}"),
        (HttpMethod.Delete, $"{Channels}/{id}"),
        (HttpMethod.Post, $"{Channels}/{id}/test"),
        (HttpMethod.Get, $"{Channels}/{id}/deliveries"),
    ];
}
