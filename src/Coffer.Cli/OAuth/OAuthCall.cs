using System.CommandLine;
using System.Text.Json.Nodes;
using Coffer.Cli.Apps;
using Coffer.Cli.Client;
using Coffer.Cli.Output;

namespace Coffer.Cli.OAuth;

/// <summary>
/// The shape of <c>coffer oauth</c> calls: resolve the server, read the client's credentials, call, and show the answer —
/// or an OAuth error (RFC 6749 §5.2) as <c>error: description</c>, or a problem as other commands do. In JSON mode the
/// server's object is printed as it is either way. COFFER_TOKEN is never sent: the client authenticates itself.
/// </summary>
internal static class OAuthCall
{
    public const string TokenPath = "oauth/token";
    public const string RevokePath = "oauth/revoke";
    public const string IntrospectPath = "oauth/introspect";
    public const string MetadataPath = ".well-known/oauth-authorization-server";

    public static Option<string> ClientId() => new("--client-id")
    {
        Description = "The app's client id (app_..., as `coffer app list` shows it).",
        HelpName = "CLIENT_ID",
        Required = true,
        Validators =
        {
            result =>
            {
                var value = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (!AppText.IsClientIdShaped(value))
                {
                    result.AddError("--client-id must be an app's client id (app_..., as `coffer app list` shows it).");
                }
            },
        },
    };

    public static Option<string?> ClientSecret() =>
        OAuthSecrets.Option("--client-secret", OAuthSecrets.ClientSecretVariable, "client secret");

    public static async Task<int> RunAsync(
        CliContext context,
        ParseResult parseResult,
        Func<CofferApiClient, OAuthSecrets, CancellationToken, Task<CallResult>> call,
        Action<JsonObject> renderTable,
        CancellationToken cancellationToken)
    {
        var format = context.Format.Get(parseResult);
        try
        {
            var settings = ClientSettings.Resolve(
                parseResult.GetValue(context.Client.Address),
                parseResult.GetValue(context.Client.CaCertificate),
                context.Environment);
            using var client = CofferApiClient.Create(settings, context.Handler);
            var outcome = await call(client, new OAuthSecrets(context.Io, context.Environment), cancellationToken);
            if (outcome.Problem is { } problem)
            {
                return Failed(context.Io, format, problem);
            }

            var result = outcome.Result as JsonObject ?? [];
            if (format == OutputFormat.Json)
            {
                JsonOutput.Write(context.Io.Out, result);
            }
            else
            {
                renderTable(result);
            }

            return ExitCodes.Ok;
        }
        catch (CliException ex)
        {
            return ErrorOutput.Failure(context.Io, ex.Message);
        }
    }

    /// <summary>The form with the client's identity: HTTP Basic for a confidential client, <c>client_id</c> in the body for a public one.</summary>
    public static Task<ApiResponse> PostAsync(
        CofferApiClient client, string path, List<KeyValuePair<string, string>> form, string clientId, string? clientSecret, CancellationToken cancellationToken)
    {
        if (clientSecret is null)
        {
            form.Add(new("client_id", clientId));
            return client.PostFormAsync(path, form, basic: null, cancellationToken);
        }

        return client.PostFormAsync(path, form, (clientId, clientSecret), cancellationToken);
    }

    public static CallResult Outcome(ApiResponse response) =>
        response.IsSuccess ? CallResult.Ok(response.Body) : CallResult.Failed(response);

    /// <summary>An OAuth error's text: <c>invalid_grant: The refresh token is not valid.</c></summary>
    public static string Describe(string error, string? description) =>
        description is { Length: > 0 } ? $"{error}: {description}" : error;

    private static int Failed(IConsoleIO io, OutputFormat format, JsonObject body)
    {
        if (body.String("error") is not { } error)
        {
            return ErrorOutput.Problem(io, format, body);
        }

        if (format == OutputFormat.Json)
        {
            JsonOutput.Write(io.Out, body);
            return ExitCodes.Failure;
        }

        return ErrorOutput.Failure(io, Describe(error, body.String("error_description")));
    }
}
