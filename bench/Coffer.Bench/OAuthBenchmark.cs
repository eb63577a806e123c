using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Coffer.Server.Features.OAuth;

namespace Coffer.Bench;

/// <summary>
/// The OAuth back channel on a real server over HTTPS: the token endpoint's <c>refresh_token</c> grant (each iteration
/// rotates, presenting the refresh token the previous one got, as a client must) and <c>/oauth/introspect</c>, against
/// the <c>/sys/health</c> baseline on the same server and connection. One confidential app, one grant, made once per
/// process through the real authorize, consent (with step-up) and code redemption; rate limits lifted by BenchServer.
/// </summary>
[Config(typeof(DashboardConfig))]
public class OAuthBenchmark
{
    private const string Redirect = "https://tool.example/callback";
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    private static readonly string[] RedirectUris = [Redirect];
    private static readonly string[] Scopes = ["portfolio:read"];

    private static readonly Lazy<Task<Grant>> Shared = new(StartAsync);

    private Grant _grant = null!;

    [GlobalSetup]
    public void Setup() => _grant = Shared.Value.GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task<string> Health() => _grant.Server.Client.GetStringAsync(new Uri("/api/v1/sys/health", UriKind.Relative));

    [Benchmark]
    public async Task<string> Refresh()
    {
        var body = await PostAsync(_grant, "/oauth/token", [new("grant_type", "refresh_token"), new("refresh_token", _grant.RefreshToken)]);
        using var json = JsonDocument.Parse(body);
        _grant.RefreshToken = json.RootElement.GetProperty("refresh_token").GetString()!;
        _grant.AccessToken = json.RootElement.GetProperty("access_token").GetString()!;
        return body;
    }

    [Benchmark]
    public Task<string> Introspect() => PostAsync(_grant, "/oauth/introspect", [new("token", _grant.AccessToken)]);

    private static async Task<string> PostAsync(Grant grant, string path, KeyValuePair<string, string>[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = grant.Basic;
        using var response = await grant.Server.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {body}");
    }

    private static async Task<Grant> StartAsync()
    {
        var server = await BenchServer.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var trader = await server.TraderAsync("bench");
        using var created = await server.SendAsync(HttpMethod.Post, "/api/v1/apps", new
        {
            name = "Bench",
            type = ClientTypes.Confidential,
            redirect_uris = RedirectUris,
            scopes = Scopes,
        }, trader.Session);
        var app = await BenchServer.JsonAsync(created, System.Net.HttpStatusCode.Created);
        var clientId = app.GetProperty("client_id").GetString()!;
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(app.GetProperty("client_secret").GetString()!))));

        // The client follows the redirect to the consent page; where it landed names the pending request.
        var query = $"response_type=code&client_id={clientId}&redirect_uri={Uri.EscapeDataString(Redirect)}&scope=portfolio%3Aread&state=s"
            + $"&code_challenge={Pkce.ChallengeOf(Verifier)}&code_challenge_method=S256";
        using var authorize = await server.Client.GetAsync(new Uri("/oauth/authorize?" + query, UriKind.Relative));
        var requestId = authorize.RequestMessage!.RequestUri!.AbsolutePath["/consent/".Length..];
        using var approved = await server.SendAsync(HttpMethod.Post, $"/api/v1/oauth/requests/{requestId}/approve", null, trader.Session, server.StepUp(trader));
        var redirect = new Uri((await BenchServer.JsonAsync(approved)).GetProperty("redirect_to").GetString()!);
        var code = redirect.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Single(p => p[0] == "code")[1];

        var grant = new Grant(server, basic);
        var tokens = await PostAsync(grant, "/oauth/token", [new("grant_type", "authorization_code"), new("code", Uri.UnescapeDataString(code)), new("redirect_uri", Redirect), new("code_verifier", Verifier)]);
        using var json = JsonDocument.Parse(tokens);
        grant.RefreshToken = json.RootElement.GetProperty("refresh_token").GetString()!;
        grant.AccessToken = json.RootElement.GetProperty("access_token").GetString()!;
        return grant;
    }

    /// <summary>The app's credentials and the grant's current tokens; the refresh token changes with every rotation.</summary>
    private sealed class Grant(BenchServer server, AuthenticationHeaderValue basic)
    {
        public BenchServer Server { get; } = server;

        public AuthenticationHeaderValue Basic { get; } = basic;

        public string RefreshToken { get; set; } = string.Empty;

        public string AccessToken { get; set; } = string.Empty;
    }
}
