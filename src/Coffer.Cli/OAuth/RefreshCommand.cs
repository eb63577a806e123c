using System.CommandLine;
using Coffer.Cli.Output;

namespace Coffer.Cli.OAuth;

/// <summary>
/// <c>coffer oauth refresh</c>: the refresh_token grant (RFC 6749 §6). Coffer rotates refresh tokens: the one sent is dead
/// afterwards, and presenting it again revokes the whole grant, so the new one printed is the one to keep.
/// </summary>
internal static class RefreshCommand
{
    public const string RefreshTokenVariable = "COFFER_REFRESH_TOKEN";

    public static Command Create(CliContext context)
    {
        var clientId = OAuthCall.ClientId();
        var clientSecret = OAuthCall.ClientSecret();
        var refreshToken = OAuthSecrets.Option("--refresh-token", RefreshTokenVariable, "refresh token");
        var scope = new Option<string?>("--scope") { Description = "Ask for fewer scopes than the grant has (space-separated).", HelpName = "\"SCOPE ...\"" };
        var command = new Command("refresh", "Trade a refresh token for a new access token and a new refresh token (the old one stops working).")
        {
            clientId, clientSecret, refreshToken, scope,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(clientSecret) == "-" && result.GetValue(refreshToken) == "-")
            {
                result.AddError("Only one value can come from stdin: set COFFER_CLIENT_SECRET or COFFER_REFRESH_TOKEN instead.");
            }
        });
        command.SetAction((parseResult, cancellationToken) => OAuthCall.RunAsync(
            context,
            parseResult,
            async (client, secrets, ct) =>
            {
                var secret = await secrets.ReadAsync(parseResult.GetValue(clientSecret), OAuthSecrets.ClientSecretVariable, "client secret", required: false, ct);
                var token = await secrets.ReadAsync(parseResult.GetValue(refreshToken), RefreshTokenVariable, "refresh token", required: true, ct);
                var form = new List<KeyValuePair<string, string>> { new("grant_type", "refresh_token"), new("refresh_token", token!) };
                if (parseResult.GetValue(scope) is { Length: > 0 } narrower)
                {
                    form.Add(new("scope", narrower));
                }

                return OAuthCall.Outcome(await OAuthCall.PostAsync(client, OAuthCall.TokenPath, form, parseResult.GetValue(clientId)!, secret, ct));
            },
            response =>
            {
                TokenResponseText.Render(context.Io, response);
                context.Io.Out.WriteLine();
                context.Io.Out.WriteLine("The refresh token you sent no longer works; presenting it again would revoke the whole grant.");
            },
            cancellationToken));
        return command;
    }
}
