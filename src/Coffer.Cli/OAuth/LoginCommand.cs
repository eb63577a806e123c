using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;
using Coffer.Cli.Tokens;
using Coffer.Server.Features.OAuth;

namespace Coffer.Cli.OAuth;

/// <summary>
/// <c>coffer oauth login</c>: the authorization code flow of a native app (RFC 8252) with PKCE S256 and a random state.
/// It listens on <c>http://127.0.0.1:PORT/callback</c>, prints the authorize URL for the person to open, waits for the
/// redirect, checks state and <c>iss</c> (RFC 9207, against mix-up), and redeems the code at the token endpoint.
/// </summary>
internal static class LoginCommand
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static Command Create(CliContext context)
    {
        var clientId = OAuthCall.ClientId();
        var clientSecret = OAuthCall.ClientSecret();
        var scope = new Option<string>("--scope")
        {
            Description = "The scopes to ask for, space-separated, e.g. \"portfolio:read orders:read\".",
            HelpName = "\"SCOPE ...\"",
            Required = true,
        };
        var port = new Option<int>("--port")
        {
            Description = "The loopback port to listen on for the redirect (default: any free one; the app registers http://127.0.0.1/callback, whose port is not compared).",
            HelpName = "PORT",
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--port must be a port number from 1 to 65535 (or 0 for any free one).");
            }
        });
        var timeout = TokenArguments.Duration("--timeout", $"How long to wait for the browser's redirect, e.g. {DurationParser.Examples} (default 5m).");
        var command = new Command("login", "Sign in as an app's user through the browser (loopback redirect, PKCE) and print the tokens the app would get.")
        {
            clientId, clientSecret, scope, port, timeout,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(scope) is { } given && string.IsNullOrWhiteSpace(given))
            {
                result.AddError("--scope cannot be empty.");
            }
        });
        command.SetAction((parseResult, cancellationToken) => OAuthCall.RunAsync(
            context,
            parseResult,
            async (client, secrets, ct) =>
            {
                var secret = await secrets.ReadAsync(parseResult.GetValue(clientSecret), OAuthSecrets.ClientSecretVariable, "client secret", required: false, ct);
                var wait = parseResult.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultTimeout;
                return await LoginAsync(context.Io, client, parseResult.GetValue(clientId)!, secret, parseResult.GetValue(scope)!.Trim(), parseResult.GetValue(port), wait, ct);
            },
            response => TokenResponseText.Render(context.Io, response),
            cancellationToken));
        return command;
    }

    private static async Task<CallResult> LoginAsync(
        IConsoleIO io, CofferApiClient client, string clientId, string? secret, string scope, int port, TimeSpan wait, CancellationToken cancellationToken)
    {
        var metadata = await client.GetAsync(OAuthCall.MetadataPath, TokenUse.None, cancellationToken);
        if (!metadata.IsSuccess)
        {
            return CallResult.Failed(metadata);
        }

        var issuer = metadata.Body.String("issuer");
        var authorize = metadata.Body.String("authorization_endpoint");
        if (issuer is null || !Uri.TryCreate(authorize, UriKind.Absolute, out var endpoint) || endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new CliException("The server's OAuth metadata has no issuer or https authorization_endpoint; is COFFER_ADDR a Coffer server of this version?");
        }

        var issRequired = metadata.Body.Bool("authorization_response_iss_parameter_supported") == true;
        using var listener = LoopbackRedirect.Start(port);
        var pkce = PkcePair.Create();
        var state = PkcePair.State();
        var query = string.Join('&', new[]
        {
            ("response_type", "code"),
            ("client_id", clientId),
            ("redirect_uri", listener.RedirectUri),
            ("scope", scope),
            ("state", state),
            ("code_challenge", pkce.Challenge),
            ("code_challenge_method", Pkce.S256),
        }.Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2)));
        var url = endpoint.AbsoluteUri + (string.IsNullOrEmpty(endpoint.Query) ? "?" : "&") + query;

        // On stderr: stdout carries only the result, so `--format json` output stays one JSON document.
        io.Error.WriteLine("Open this URL in a browser, sign in to Coffer and approve the request:");
        io.Error.WriteLine();
        io.Error.WriteLine(url);
        io.Error.WriteLine();
        io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Waiting for the redirect to {listener.RedirectUri} (up to {wait.TotalMinutes:0.#} minutes; Ctrl+C cancels)..."));
        io.Error.Flush();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        IReadOnlyDictionary<string, string> answer;
        try
        {
            answer = await listener.WaitAsync(q => Check(q, state, issuer, issRequired) is { } problem ? (false, problem) : (true, "Coffer handed the code to the command line."), deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"No redirect arrived within {wait.TotalMinutes:0.#} minutes; nothing was exchanged. Run the command again (or give a longer --timeout)."));
        }
        catch (OperationCanceledException)
        {
            throw new CliException("Cancelled; nothing was exchanged.");
        }

        if (Check(answer, state, issuer, issRequired) is { } refused)
        {
            throw new CliException(refused);
        }

        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", answer["code"]),
            new("redirect_uri", listener.RedirectUri),
            new("code_verifier", pkce.Verifier),
        };
        return OAuthCall.Outcome(await OAuthCall.PostAsync(client, OAuthCall.TokenPath, form, clientId, secret, cancellationToken));
    }

    /// <summary>Why the redirect is not to be trusted or carries no code; null when the code may be redeemed.</summary>
    private static string? Check(IReadOnlyDictionary<string, string> query, string state, string issuer, bool issRequired)
    {
        // State first: an answer to someone else's request (CSRF, RFC 6749 §10.12) is not even worth reading.
        if (!query.TryGetValue("state", out var returned) || !string.Equals(returned, state, StringComparison.Ordinal))
        {
            return "The redirect's state does not match the request's: it is not the answer to this login. Nothing was exchanged.";
        }

        // RFC 9207: the code must come from the server asked, not from another one the browser was steered to.
        if (query.TryGetValue("iss", out var iss) ? !string.Equals(iss, issuer, StringComparison.Ordinal) : issRequired)
        {
            return $"The redirect's issuer (iss) is not {issuer}, the server asked: a mix-up attack, or COFFER_ADDR points elsewhere. Nothing was exchanged.";
        }

        if (query.TryGetValue("error", out var error))
        {
            return "The server refused: " + OAuthCall.Describe(error, query.GetValueOrDefault("error_description"));
        }

        return query.TryGetValue("code", out var code) && code.Length > 0 ? null : "The redirect carried no code. Nothing was exchanged.";
    }
}
