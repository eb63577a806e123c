using System.Text.Json;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Tests.Storage;
using Coffer.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Tokens;

/// <summary>The batched access log writer on both providers (SQLite prepared inserts, PostgreSQL binary COPY).</summary>
public sealed class AccessLogTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ManyConcurrentRequests_EveryOneRecordedOnce(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        await using var server = await ServerInstance.StartAsync(storage.Settings());
        var (_, admin) = await server.InitAndUnsealAsync();
        using var created = await server.PostJsonAsync("/api/v1/tokens", new { scopes = new[] { "tokens:read" }, display_name = "x" }, admin);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var (token, accessor) = (body.GetProperty("token").GetString()!, body.GetProperty("accessor").GetString()!);

        await Parallel.ForAsync(0, 90, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) => await server.GetJsonAsync("/api/v1/tokens/self", token));
        await server.Services.GetRequiredService<AccessLogWriter>().FlushAsync(default);

        var ids = new List<long>();
        long? before = null;
        do
        {
            var page = await server.GetJsonAsync($"/api/v1/tokens/{accessor}/log?limit=40" + (before is null ? string.Empty : $"&before={before}"), admin);
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                ids.Add(item.GetProperty("id").GetInt64());
                Assert.Equal("/api/v1/tokens/self", item.GetProperty("route").GetString());
                Assert.Equal(200, item.GetProperty("status").GetInt32());
                Assert.True(item.GetProperty("latency_ms").GetDouble() > 0);
                Assert.Null(item.GetProperty("user_agent").GetString() is { Length: > 0 } ua && ua.Contains("cof_", StringComparison.Ordinal) ? ua : null);
            }

            before = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetInt64();
        }
        while (before is not null);

        Assert.Equal(90, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.OrderByDescending(i => i), ids);
    }
}
