using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Coffer.Vault;
using Coffer.Vault.Signing;

namespace Coffer.Server.Features.Notifications.Webhooks;

/// <summary>
/// Sends webhook deliveries. Each is a <c>POST</c> of a JSON body with three headers, in the manner of Stripe's and
/// GitHub's webhook signatures:
/// <code>
/// Coffer-Delivery:  &lt;delivery id&gt;                 the same on every retry: receivers de-duplicate on it
/// Coffer-Timestamp: &lt;unix seconds&gt;                when this try was signed (new on every retry)
/// Coffer-Signature: v1=&lt;hex HMAC-SHA256&gt;
///     key     = the channel's signing secret exactly as shown once at creation (its UTF-8 bytes, prefix included)
///     message = "&lt;Coffer-Timestamp&gt;.&lt;raw request body&gt;"
/// </code>
/// A receiver recomputes the HMAC over the raw body bytes it received (before any JSON parsing), compares it with each
/// <c>v1=</c> value in constant time, and rejects timestamps more than a few minutes from its own clock so a captured
/// request cannot be replayed later. The version prefix leaves room for another scheme alongside, as Stripe's does.
/// The secret lives in the vault; the HMAC comes from its signing oracle, so this class never holds the secret.
/// </summary>
internal sealed class WebhookSender : IDisposable
{
    public const string DeliveryHeader = "Coffer-Delivery";
    public const string TimestampHeader = "Coffer-Timestamp";
    public const string SignatureHeader = "Coffer-Signature";

    private readonly HttpClient _http;
    private readonly WebhookAddressPolicy _policy;
    private readonly CofferVault _vault;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;

    public WebhookSender(NotificationSettings settings, CofferVault vault, TimeProvider time)
    {
        _policy = new WebhookAddressPolicy(settings.AllowHttpLoopbackWebhooks);
        _vault = vault;
        _time = time;
        _timeout = settings.WebhookTimeout;
        _http = new HttpClient(new SocketsHttpHandler
        {
            // A redirect would be a second, unchecked request; an environment proxy would connect for us, unchecked.
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = settings.WebhookTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            MaxResponseHeadersLength = 64,
            ConnectCallback = ConnectAsync,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Coffer-Webhooks", Sys.SysEndpoints.Version));
    }

    /// <summary>The signature header value for <paramref name="body"/> at <paramref name="timestamp"/>.</summary>
    public static async Task<string> SignAsync(CofferVault vault, CredentialHandle secret, long timestamp, byte[] body, CancellationToken cancellationToken)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message, prefix.Length);
        return "v1=" + await vault.SignAsync(secret, SigningMechanism.HmacSha256Hex, message, cancellationToken);
    }

    public async Task<DeliveryOutcome> SendAsync(string url, CredentialHandle secret, Guid deliveryId, byte[] body, CancellationToken cancellationToken)
    {
        if (_policy.CheckUrl(url, out var uri) is { } refused)
        {
            return DeliveryOutcome.Failed(refused);
        }

        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        string signature;
        try
        {
            signature = await SignAsync(_vault, secret, timestamp, body, cancellationToken);
        }
        catch (VaultException ex) when (ex.Code is VaultError.Sealed or VaultError.NotInitialized)
        {
            return DeliveryOutcome.Deferred("The vault is sealed; webhooks are signed once it is unsealed.");
        }
        catch (VaultException ex) when (ex.Code == VaultError.SecretNotFound)
        {
            return DeliveryOutcome.Failed("The channel's signing secret is missing from the vault.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(DeliveryHeader, deliveryId.ToString());
        request.Headers.Add(TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(SignatureHeader, signature);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return Classify(response, _time.GetUtcNow());
        }
        catch (HttpRequestException ex) when (ex.InnerException is WebhookAddressRefusedException refusal)
        {
            return DeliveryOutcome.Failed(refusal.Message);
        }
        catch (HttpRequestException ex)
        {
            return DeliveryOutcome.Retry($"The request failed ({ex.HttpRequestError}).");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryOutcome.Retry($"No response within {_timeout.TotalSeconds:0.#} s.");
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>2xx delivered; 408, 429 and 5xx worth another try (with Retry-After); 3xx and other 4xx final.</summary>
    internal static DeliveryOutcome Classify(HttpResponseMessage response, DateTimeOffset now)
    {
        var code = (int)response.StatusCode;
        if (code is >= 200 and < 300)
        {
            return DeliveryOutcome.Delivered(code);
        }

        if (code is 408 or 429 or >= 500)
        {
            return DeliveryOutcome.Retry($"The receiver answered {code}.", code, RetryPolicy.RetryAfter(response.Headers.RetryAfter, now));
        }

        return code is >= 300 and < 400
            ? DeliveryOutcome.Failed($"The receiver answered {code}; webhooks do not follow redirects.", code)
            : DeliveryOutcome.Failed($"The receiver answered {code}.", code);
    }

    /// <summary>Resolves, keeps only the addresses the policy allows, and connects to the first that answers.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var scheme = context.InitialRequestMessage.RequestUri?.Scheme ?? Uri.UriSchemeHttps;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => _policy.IsAllowed(a, scheme)).ToList();
        if (allowed.Count == 0)
        {
            throw new WebhookAddressRefusedException("The webhook host resolves only to addresses Coffer does not send to (loopback, private or reserved).");
        }

        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
