using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Client;
using Coffer.Cli.Output;
using Spectre.Console;

namespace Coffer.Cli.Auth;

/// <summary>
/// <c>coffer login</c>: signs in with username and password (and the authenticator code when the account has one) and
/// prints <c>export COFFER_TOKEN=...</c> for <c>eval "$(coffer login)"</c>, or the session as JSON. Secrets are never
/// arguments: the password and code are prompted for without echo, or read line by line from a redirected stdin.
/// <c>coffer login --set-password</c> sets (or changes) the password of the user whose token is in COFFER_TOKEN —
/// how the initial admin, holding the token from <c>operator init</c>, gets a password.
/// </summary>
internal static class LoginCommand
{
    private const string SignIn = "api/v1/auth/signin";
    private const string Password = "api/v1/auth/password";
    private const string SecondFactorRequired = "urn:coffer:problem:second-factor-required";
    private const string CurrentPasswordRequired = "urn:coffer:problem:current-password-required";

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var username = new Option<string?>("--username", "-u") { Description = "The username (prompted for when left out).", HelpName = "NAME" };
        var setPassword = new Option<bool>("--set-password") { Description = "Set or change the password of COFFER_TOKEN's user instead of signing in." };
        var command = new Command("login", "Sign in and print a session token: eval \"$(coffer login)\" sets COFFER_TOKEN.") { username, setPassword };
        context.Client.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var format = context.Format.Get(parseResult);
            try
            {
                var settings = ClientSettings.Resolve(parseResult.GetValue(context.Client.Address), parseResult.GetValue(context.Client.CaCertificate), context.Environment);
                using var client = CofferApiClient.Create(settings, context.Handler);
                var input = new Input(context.Io);
                return parseResult.GetValue(setPassword)
                    ? await SetPasswordAsync(context.Io, client, format, input, cancellationToken)
                    : await SignInAsync(context.Io, client, format, input, parseResult.GetValue(username), cancellationToken);
            }
            catch (CliException ex)
            {
                return ErrorOutput.Failure(context.Io, ex.Message);
            }
        });
        return command;
    }

    private static async Task<int> SignInAsync(IConsoleIO io, CofferApiClient client, OutputFormat format, Input input, string? username, CancellationToken cancellationToken)
    {
        var name = username ?? await input.LineAsync("Username:", cancellationToken);
        var body = new JsonObject { ["username"] = name, ["password"] = await input.SecretAsync("Password (input is hidden):", cancellationToken) };
        var response = await client.PostAsync(SignIn, body, TokenUse.None, cancellationToken);
        if (!response.IsSuccess && response.Body.String("type") == SecondFactorRequired)
        {
            body["totp_code"] = await input.SecretAsync("Authenticator code:", cancellationToken);
            response = await client.PostAsync(SignIn, body, TokenUse.None, cancellationToken);
        }

        if (!response.IsSuccess)
        {
            return ErrorOutput.Problem(io, format, response.Body);
        }

        if (format == OutputFormat.Json)
        {
            JsonOutput.Write(io.Out, new JsonObject
            {
                ["token"] = response.Body.String("token"),
                ["accessor"] = response.Body.String("accessor"),
                ["expires_at"] = response.Body.String("expires_at"),
            });
        }
        else
        {
            // stdout carries only the export line, so that eval "$(coffer login)" works; the rest goes to stderr.
            io.Out.WriteLine($"export COFFER_TOKEN={response.Body.String("token")}");
            io.ErrorConsole.MarkupLine($"Signed in as {Markup.Escape(name)}; the session {Markup.Escape(response.Body.String("accessor") ?? "?")} expires {Markup.Escape(response.Body.String("expires_at") ?? "never")}.");
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> SetPasswordAsync(IConsoleIO io, CofferApiClient client, OutputFormat format, Input input, CancellationToken cancellationToken)
    {
        var first = await input.SecretAsync("New password (at least 15 characters; input is hidden):", cancellationToken);
        var again = await input.SecretAsync("New password again:", cancellationToken);
        if (!string.Equals(first, again, StringComparison.Ordinal))
        {
            throw new CliException("The two passwords differ; nothing was changed.");
        }

        var body = new JsonObject { ["new_password"] = first };
        var response = await client.PostAsync(Password, body, TokenUse.Required, cancellationToken);
        if (!response.IsSuccess && response.Body.String("type") == CurrentPasswordRequired)
        {
            body["current_password"] = await input.SecretAsync("Current password:", cancellationToken);
            response = await client.PostAsync(Password, body, TokenUse.Required, cancellationToken);
        }

        if (!response.IsSuccess)
        {
            return ErrorOutput.Problem(io, format, response.Body);
        }

        if (format == OutputFormat.Json)
        {
            JsonOutput.Write(io.Out, response.Body);
        }
        else
        {
            var user = response.Body.String("username") ?? "?";
            io.Out.WriteLine($"Password set for {user}. Sign in with: coffer login --username {user}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Answers from a redirected stdin, one per line, or from prompts on the terminal (secrets without echo).</summary>
    private sealed class Input(IConsoleIO io)
    {
        public async Task<string> LineAsync(string prompt, CancellationToken cancellationToken) =>
            io.IsInputRedirected
                ? Required(await io.In.ReadLineAsync(cancellationToken), prompt)
                : Required(await io.ErrorConsole.PromptAsync(new TextPrompt<string>(prompt), cancellationToken), prompt);

        public async Task<string> SecretAsync(string prompt, CancellationToken cancellationToken) =>
            io.IsInputRedirected
                ? Required(await io.In.ReadLineAsync(cancellationToken), prompt)
                : Required(await io.ReadSecretAsync(prompt, cancellationToken), prompt);

        private static string Required(string? value, string prompt) =>
            string.IsNullOrEmpty(value) ? throw new CliException($"No answer to '{prompt.TrimEnd(':')}': type it at the prompt, or give one line per answer on stdin.") : value.TrimEnd('\r', '\n');
    }
}
