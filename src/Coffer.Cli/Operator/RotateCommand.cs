using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Operator;

/// <summary><c>coffer operator rotate</c>: a new root key version; user keys are re-wrapped under it.</summary>
internal static class RotateCommand
{
    public static Command Create(CliContext context)
    {
        var minDecryptionVersion = new Option<int?>("--min-decryption-version")
        {
            Description = "Also retire older root key versions: nothing wrapped under a version below N can be decrypted any more.",
            HelpName = "N",
        };
        var command = new Command("rotate", "Rotate the root key and re-wrap the user keys under the new version (needs COFFER_TOKEN).") { minDecryptionVersion };
        command.Validators.Add(result =>
        {
            if (result.GetValue(minDecryptionVersion) is < 1 and var version)
            {
                result.AddError($"--min-decryption-version must be at least 1, not {version}.");
            }
        });
        command.SetAction((parseResult, cancellationToken) =>
        {
            var body = new JsonObject();
            if (parseResult.GetValue(minDecryptionVersion) is { } version)
            {
                body["min_decryption_version"] = version;
            }

            return ApiCommand.RunAsync(
                context,
                parseResult,
                (client, ct) => client.PostAsync(SysPaths.Rotate, body, TokenUse.Required, ct),
                result => Render(context, result),
                cancellationToken);
        });
        return command;
    }

    private static void Render(CliContext context, JsonObject result)
    {
        var root = result.Object("root");
        var current = Invariant.Number(root?.Integer("current"));
        var oldest = Invariant.Number(root?.Integer("min_decryption"));
        context.Io.Out.WriteLine($"Root key is now version {current} (oldest version that can still decrypt: {oldest}).");
        context.Io.Out.WriteLine($"Re-wrapped {Invariant.Number(result.Integer("rewrapped_user_keys"))} user keys under version {current}.");
    }
}
