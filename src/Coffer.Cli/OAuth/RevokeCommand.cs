using System.CommandLine;

namespace Coffer.Cli.OAuth;

/// <summary>
/// <c>coffer oauth revoke</c> (RFC 7009): ends an access token, or with a refresh token the whole grant. The server answers
/// 200 for unknown tokens too, so success says only that the token, if it was one of this app's, no longer works.
/// </summary>
internal static class RevokeCommand
{
    public static Command Create(CliContext context)
    {
        var clientId = OAuthCall.ClientId();
        var clientSecret = OAuthCall.ClientSecret();
        var token = OAuthSecrets.Option("--token", IntrospectCommand.TokenVariable, "token");
        var hint = new Option<string?>("--token-type-hint") { Description = "access_token or refresh_token (a hint; the server finds the token either way).", HelpName = "HINT" };
        hint.AcceptOnlyFromAmong("access_token", "refresh_token");
        var command = new Command("revoke", "Revoke an access token, or a refresh token and with it the whole grant.")
        {
            clientId, clientSecret, token, hint,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(clientSecret) == "-" && result.GetValue(token) == "-")
            {
                result.AddError("Only one value can come from stdin: set COFFER_CLIENT_SECRET or COFFER_OAUTH_TOKEN instead.");
            }
        });
        command.SetAction((parseResult, cancellationToken) => OAuthCall.RunAsync(
            context,
            parseResult,
            async (client, secrets, ct) =>
            {
                var secret = await secrets.ReadAsync(parseResult.GetValue(clientSecret), OAuthSecrets.ClientSecretVariable, "client secret", required: false, ct);
                var value = await secrets.ReadAsync(parseResult.GetValue(token), IntrospectCommand.TokenVariable, "token", required: true, ct);
                var form = new List<KeyValuePair<string, string>> { new("token", value!) };
                if (parseResult.GetValue(hint) is { } given)
                {
                    form.Add(new("token_type_hint", given));
                }

                return OAuthCall.Outcome(await OAuthCall.PostAsync(client, OAuthCall.RevokePath, form, parseResult.GetValue(clientId)!, secret, ct));
            },
            _ => context.Io.Out.WriteLine("Revoked: if the token was one of this app's, it no longer works (a refresh token takes its whole grant with it)."),
            cancellationToken));
        return command;
    }
}
