using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Coffer.Cli.Demo;
using Coffer.Server.Features.Perimeter;

namespace Coffer.Bench;

/// <summary>
/// Issue #6: the API calls the web app's dashboard makes (<c>/auth/me</c>, <c>/portfolio</c>, <c>/portfolio/history</c> for
/// the default 24-hour range and for 30 days), one request per measured iteration so the P95 column is the per-request
/// 95th percentile, against <c>coffer demo</c>'s data (four weeks, three exchanges, ~60 orders, ~100 snapshots) over real
/// HTTPS. The baseline is <c>/sys/health</c> on the same server and connection: the fixed cost of a request. The demo is
/// started once per process (in-process toolchain) with the API rate limits lifted, so the measurement never meets a 429.
/// </summary>
[Config(typeof(DashboardConfig))]
public class DashboardBenchmark
{
    private static readonly Lazy<Task<(DemoEnvironment Demo, HttpClient Client)>> Shared = new(StartAsync);

    private HttpClient _client = null!;

    [GlobalSetup]
    public void Setup() => _client = Shared.Value.GetAwaiter().GetResult().Client;

    [Benchmark(Baseline = true)]
    public Task<string> Health() => _client.GetStringAsync(new Uri("/api/v1/sys/health", UriKind.Relative));

    [Benchmark]
    public Task<string> Me() => _client.GetStringAsync(new Uri("/api/v1/auth/me", UriKind.Relative));

    [Benchmark]
    public Task<string> Portfolio() => _client.GetStringAsync(new Uri("/api/v1/portfolio", UriKind.Relative));

    [Benchmark]
    public Task<string> History24h() => _client.GetStringAsync(new Uri("/api/v1/portfolio/history?range=24h", UriKind.Relative));

    [Benchmark]
    public Task<string> History30d() => _client.GetStringAsync(new Uri("/api/v1/portfolio/history?range=30d", UriKind.Relative));

    private static async Task<(DemoEnvironment, HttpClient)> StartAsync()
    {
        var options = new DemoOptions("127.0.0.1:0", Days: 28, Seed: 7, Configure: s => s with
        {
            RateLimits = new RateLimitSettings(Interactive: 1_000_000, Api: 1_000_000, Anonymous: 1_000_000, PerIp: 1_000_000),
        });
        var demo = await DemoEnvironment.StartAsync(options, Console.Out, CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => demo.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var signIn = await demo.Api.CallAsync(HttpMethod.Post, "/api/v1/auth/signin", token: null, new JsonObject { ["username"] = demo.Seeded.Username, ["password"] = demo.Seeded.Password });

        var handler = new SocketsHttpHandler();
        var trust = Coffer.Cli.Client.CertificateTrust.FromPemFile(demo.Settings.GeneratedCertificatePath);
        handler.SslOptions.RemoteCertificateValidationCallback = trust.Validate;
        var client = new HttpClient(handler) { BaseAddress = demo.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", signIn["token"]!.GetValue<string>());
        return (demo, client);
    }
}

public sealed class DashboardConfig : ManualConfig
{
    public DashboardConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithWarmupCount(20)
            .WithIterationCount(300)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(StatisticColumn.P50, StatisticColumn.P95, StatisticColumn.Max);
        WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(Perfolizer.Horology.TimeUnit.Millisecond));
    }
}
