using System.Security.Cryptography;
using System.Text;
using Coffer.Server.Data;
using Coffer.Server.Features.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;

namespace Coffer.Server.Features.OAuth;

/// <summary>
/// Who is calling the token, revocation and introspection endpoints (RFC 6749 §2.3): a confidential client with its
/// secret, by HTTP Basic (<c>client_secret_basic</c>) or in the form (<c>client_secret_post</c>) but never both; a
/// public client by its <c>client_id</c> alone (<c>none</c>). Failures are <c>invalid_client</c>, 401, and say nothing
/// about which part was wrong. A disabled app authenticates as nothing.
/// </summary>
internal sealed class ClientAuthentication(IDbContextFactory<CofferDb> factory)
{
    public async Task<OAuthAppRow> AuthenticateAsync(HttpRequest request, IFormCollection form, CancellationToken cancellationToken)
    {
        string? clientId;
        string? secret;
        var header = request.Headers.Authorization.ToString();
        var formId = Single(form, "client_id");
        var formSecret = Single(form, "client_secret");
        if (header.Length > 0)
        {
            if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || !TryParseBasic(header["Basic ".Length..].Trim(), out clientId, out secret))
            {
                throw Invalid("Client authentication by the Authorization header must be HTTP Basic with the URL-encoded client_id and client_secret.");
            }

            if (formSecret is not null)
            {
                throw new OAuthException("invalid_request", "Authenticate the client one way only: HTTP Basic or client_secret in the body, not both.");
            }

            if (formId is not null && formId != clientId)
            {
                throw new OAuthException("invalid_request", "client_id in the body differs from the one of HTTP Basic.");
            }
        }
        else
        {
            clientId = formId;
            secret = formSecret;
        }

        if (string.IsNullOrEmpty(clientId) || clientId.Length > 64)
        {
            throw Invalid("The client is not identified: send client_id (public clients) or authenticate with HTTP Basic.");
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var app = await db.Table<OAuthAppRow>().AsNoTracking().SingleOrDefaultAsync(a => a.ClientId == clientId, cancellationToken);
        if (app is null || app.DisabledAt is not null)
        {
            throw Invalid("Client authentication failed.");
        }

        if (app.ClientType == ClientTypes.Confidential)
        {
            if (secret is null || app.SecretHash is null
                || !CryptographicOperations.FixedTimeEquals(TokenFormat.Hash(secret), app.SecretHash))
            {
                throw Invalid("Client authentication failed.");
            }
        }
        else if (secret is not null)
        {
            // A public client has no secret; one that sends some is misconfigured, and is told so rather than ignored.
            throw Invalid("This client is public: it has no secret. Send client_id only.");
        }

        return app;
    }

    /// <summary>A parameter that must appear at most once (RFC 6749 §3.1, §3.2): a repeated one is a malformed request.</summary>
    public static string? Single(IFormCollection form, string name) => Single(form[name], name);

    public static string? Single(StringValues values, string name) => values.Count switch
    {
        0 => null,
        1 => values[0] is { Length: > 0 } value ? value : null,
        _ => throw new OAuthException("invalid_request", $"The parameter {name} is repeated."),
    };

    private static bool TryParseBasic(string encoded, out string? clientId, out string? secret)
    {
        clientId = secret = null;
        if (encoded.Length > 1024)
        {
            return false;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return false;
            }

            // RFC 6749 §2.3.1: both halves are application/x-www-form-urlencoded before Basic encoding.
            clientId = Uri.UnescapeDataString(text[..colon].Replace('+', ' '));
            secret = Uri.UnescapeDataString(text[(colon + 1)..].Replace('+', ' '));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static OAuthException Invalid(string description) => new("invalid_client", description, StatusCodes.Status401Unauthorized);
}
