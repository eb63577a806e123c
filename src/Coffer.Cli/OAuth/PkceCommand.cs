using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Output;
using Coffer.Server.Features.OAuth;

namespace Coffer.Cli.OAuth;

/// <summary><c>coffer oauth pkce</c>: a fresh code_verifier and its S256 code_challenge, computed locally; nothing is sent.</summary>
internal static class PkceCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("pkce", "Print a fresh PKCE code_verifier and its S256 code_challenge (computed locally; nothing is sent).");
        command.SetAction(parseResult =>
        {
            var pair = PkcePair.Create();
            if (context.Format.Get(parseResult) == OutputFormat.Json)
            {
                JsonOutput.Write(context.Io.Out, new JsonObject
                {
                    ["code_verifier"] = pair.Verifier,
                    ["code_challenge"] = pair.Challenge,
                    ["code_challenge_method"] = Pkce.S256,
                });
            }
            else
            {
                context.Io.Out.WriteLine($"code_verifier:         {pair.Verifier}");
                context.Io.Out.WriteLine($"code_challenge:        {pair.Challenge}");
                context.Io.Out.WriteLine($"code_challenge_method: {Pkce.S256}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
