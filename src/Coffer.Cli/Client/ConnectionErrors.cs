using System.Net.Sockets;
using System.Security.Authentication;

namespace Coffer.Cli.Client;

/// <summary>Turns transport failures into a message that says what is wrong and what to do about it.</summary>
internal static class ConnectionErrors
{
    public static string Describe(HttpRequestException exception, ClientSettings settings, CertificateTrust? trust)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(settings);
        var address = settings.DisplayAddress;
        return exception.HttpRequestError switch
        {
            HttpRequestError.ConnectionError =>
                $"Cannot connect to {address} ({SocketReason(exception)}). Is the server running at {address}? "
                + "Start it with `coffer server`, or point COFFER_ADDR (or --addr) at it.",
            HttpRequestError.NameResolutionError =>
                $"Cannot resolve the host name of {address}; check COFFER_ADDR (or --addr).",
            HttpRequestError.SecureConnectionError => DescribeTls(exception, settings, trust),
            _ => $"The request to {address} failed: {exception.Message}",
        };
    }

    private static string DescribeTls(HttpRequestException exception, ClientSettings settings, CertificateTrust? trust)
    {
        var address = settings.DisplayAddress;
        var fix = $"set COFFER_CACERT (or --cacert) to the certificate the server wrote into its data directory, {settings.CertificateHint}";
        return trust?.LastFailure switch
        {
            { Kind: TrustFailureKind.NameMismatch } =>
                $"The server's certificate is not valid for '{settings.Address.Host}'. Connect with a host name or IP address the "
                + "certificate was issued for (COFFER_ADDR or --addr).",
            { Kind: TrustFailureKind.NoCertificate } =>
                $"The server at {address} presented no TLS certificate.",
            { Kind: TrustFailureKind.Untrusted } failure when trust.CaCertificatePath is not null =>
                $"The server's certificate is not trusted: it does not chain to '{trust.CaCertificatePath}' ({failure.Reason}). "
                + $"Is COFFER_CACERT (or --cacert) the certificate of the server at {address}? If not, {fix}.",
            { Kind: TrustFailureKind.Untrusted } failure =>
                $"The server's certificate is not trusted ({failure.Reason}): {fix}.",
            _ =>
                $"The TLS handshake with {address} failed ({TlsReason(exception)}). Is a Coffer server (HTTPS) listening there?",
        };
    }

    private static string SocketReason(Exception exception) =>
        Find<SocketException>(exception)?.Message ?? exception.Message;

    private static string TlsReason(Exception exception) =>
        Find<AuthenticationException>(exception)?.Message ?? exception.InnerException?.Message ?? exception.Message;

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }
}
