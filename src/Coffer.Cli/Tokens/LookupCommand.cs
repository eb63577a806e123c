using System.CommandLine;
using Coffer.Cli.Client;

namespace Coffer.Cli.Tokens;

/// <summary><c>coffer token lookup</c>: one token's properties by accessor, or the calling token's with <c>self</c>.</summary>
internal static class LookupCommand
{
    public static Command Create(CliContext context)
    {
        var accessor = TokenArguments.Accessor("The token's accessor (acc_...), or self for the token in COFFER_TOKEN.");
        var command = new Command("lookup", "Show a token's scopes, parent, expiry, limits and state (never its value).") { accessor };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var target = parseResult.GetValue(accessor)!;
            return TokenApi.RunAsync(
                context,
                parseResult,
                (client, ct) => TokenApi.SingleAsync(client.GetAsync(TokenPaths.Lookup(target), TokenUse.Required, ct)),
                token => TokenText.RenderToken(context.Io.OutConsole, token.AsObject()),
                cancellationToken);
        });
        return command;
    }
}
