using System.CommandLine;
using Coffer.Cli.Output;

namespace Coffer.Cli.OAuth;

/// <summary>
/// <c>coffer oauth introspect</c> (RFC 7662): whether a token is active and what it may do. Only a confidential client may
/// ask, and it only sees its own tokens as active.
/// </summary>
internal static class IntrospectCommand
{
    public const string TokenVariable = "COFFER_OAUTH_TOKEN";

    public static Command Create(CliContext context)
    {
        var clientId = OAuthCall.ClientId();
        var clientSecret = OAuthCall.ClientSecret();
        var token = OAuthSecrets.Option("--token", TokenVariable, "token");
        var command = new Command("introspect", "Ask whether an access or refresh token is active (confidential apps only; an app sees only its own tokens).")
        {
            clientId, clientSecret, token,
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
                var secret = await secrets.ReadAsync(parseResult.GetValue(clientSecret), OAuthSecrets.ClientSecretVariable, "client secret", required: true, ct);
                var value = await secrets.ReadAsync(parseResult.GetValue(token), TokenVariable, "token", required: true, ct);
                var form = new List<KeyValuePair<string, string>> { new("token", value!) };
                return OAuthCall.Outcome(await OAuthCall.PostAsync(client, OAuthCall.IntrospectPath, form, parseResult.GetValue(clientId)!, secret, ct));
            },
            // The answer is the point, every field of it: shown as the server wrote it.
            answer => JsonOutput.Write(context.Io.Out, answer),
            cancellationToken));
        return command;
    }
}
