using System.CommandLine;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.Apps;

/// <summary><c>coffer app disable</c>: the app can no longer be authorized, and every grant it holds is revoked at once.</summary>
internal static class DisableCommand
{
    public static Command Create(CliContext context)
    {
        var clientId = AppText.ClientId("The app's client id (app_...).");
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation." };
        var command = new Command("disable", "Disable an app: every grant users gave it is revoked at once, its tokens stop working, and it cannot be authorized again.")
        {
            clientId, yes,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var target = parseResult.GetValue(clientId)!;
            return AppApi.RunAsync(
                context,
                parseResult,
                async (client, ct) =>
                {
                    if (!parseResult.GetValue(yes))
                    {
                        var what = $"the app {target}";
                        if (context.Io.IsInputRedirected)
                        {
                            throw new CliException($"Not disabling {what} without confirmation: there is no terminal to ask on. Add --yes.");
                        }

                        if (!await context.Io.ConfirmAsync($"Disable {what}? Every grant users gave it is revoked and its tokens stop working; this cannot be undone.", ct))
                        {
                            throw new CliException("Nothing was disabled.");
                        }
                    }

                    return await AppApi.SingleAsync(client.PostAsync(AppPaths.Disable(target), body: null, TokenUse.Required, ct));
                },
                app => context.Io.Out.WriteLine(
                    $"Disabled the app {app.AsObject().String("client_id") ?? target} ('{app.AsObject().String("name")}'): every grant it held is revoked and its tokens no longer work."),
                cancellationToken);
        });
        return command;
    }
}
