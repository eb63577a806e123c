using System.Globalization;
using System.Text.Json.Nodes;
using Coffer.Cli.Output;
using Spectre.Console;

namespace Coffer.Cli.OAuth;

/// <summary>Renders a token endpoint answer (RFC 6749 §5.1) for people; the tokens on lines of their own, never wrapped.</summary>
internal static class TokenResponseText
{
    public static void Render(IConsoleIO io, JsonObject response)
    {
        io.OutConsole.MarkupLine("[bold yellow]These tokens are secrets: the access token acts as you within its scopes; keep the refresh token out of shell history.[/]");
        io.OutConsole.WriteLine();
        io.Out.WriteLine($"Access token:  {response.String("access_token") ?? "?"}");
        io.Out.WriteLine($"Token type:    {response.String("token_type") ?? "?"}");
        if (response.Integer("expires_in") is { } seconds)
        {
            var at = DateTimeOffset.UtcNow.AddSeconds(seconds).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            io.Out.WriteLine($"Expires in:    {Invariant.Number(seconds)} seconds (about {at})");
        }

        io.Out.WriteLine($"Refresh token: {response.String("refresh_token") ?? "(none)"}");
        io.Out.WriteLine($"Scope:         {response.String("scope") ?? "?"}");
    }
}
