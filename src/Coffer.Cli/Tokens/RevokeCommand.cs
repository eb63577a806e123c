using System.CommandLine;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Tokens;

/// <summary><c>coffer token revoke</c>: revokes a token and every token below it, at once.</summary>
internal static class RevokeCommand
{
    public static Command Create(CliContext context)
    {
        var accessor = TokenArguments.Accessor("The token's accessor (acc_...), or self to revoke the token in COFFER_TOKEN.");
        var command = new Command("revoke", "Revoke a token and every token created below it; they stop working at once.") { accessor };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var target = parseResult.GetValue(accessor)!;
            return TokenApi.RunAsync(
                context,
                parseResult,
                (client, ct) => TokenApi.SingleAsync(client.PostAsync(TokenPaths.Revoke(target), body: null, TokenUse.Required, ct)),
                result => Render(context, target, result.AsObject().Integer("revoked")),
                cancellationToken);
        });
        return command;
    }

    private static void Render(CliContext context, string target, long? revoked)
    {
        var self = target == TokenPaths.SelfName;
        var what = self ? "the calling token (COFFER_TOKEN)" : target;
        var output = context.Io.Out;
        if (revoked == 0)
        {
            output.WriteLine($"Nothing to revoke: {what} and the tokens below it were already revoked.");
            return;
        }

        var count = Invariant.Number(revoked);
        output.WriteLine($"Revoked {what} and every token below it: {count} {(revoked == 1 ? "token" : "tokens")} in all.");
        if (self)
        {
            output.WriteLine("COFFER_TOKEN no longer works; unset it.");
        }
    }
}
