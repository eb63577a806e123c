using Coffer.Vault;
using Microsoft.AspNetCore.Diagnostics;

namespace Coffer.Server.Problems;

/// <summary>
/// The one place exceptions become responses. Expected failures (vault errors, malformed requests) get their own
/// problem type and a detail that says what to do; anything else is a bug or an outage: logged by type and trace id
/// (never with request content) and answered with a generic 500.
/// </summary>
internal sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (type, detail) = exception switch
        {
            VaultException vault => (ForVault(vault.Code), vault.Message),
            Features.Tokens.TokenTreeException tree => (tree.Type, tree.Message),
            Features.Audit.AuditUnavailableException audit => (ProblemType.AuditUnavailable, audit.Message),
            BadHttpRequestException bad => (bad.StatusCode switch
            {
                413 => ProblemType.PayloadTooLarge,
                415 => ProblemType.UnsupportedMediaType,
                _ => ProblemType.InvalidRequest,
            }, DescribeBadRequest(bad)),
            _ => (ProblemType.InternalError, "The error was logged with trace id " + httpContext.TraceIdentifier + "."),
        };

        if (type == ProblemType.InternalError)
        {
            LogUnhandled(logger, exception.GetType().FullName, httpContext.TraceIdentifier, exception);
        }

        if (httpContext.Response.HasStarted)
        {
            return false;
        }

        await Problem.WriteAsync(httpContext, type, detail);
        return true;
    }

    internal static ProblemType ForVault(VaultError code) => code switch
    {
        VaultError.NotInitialized => ProblemType.NotInitialized,
        VaultError.AlreadyInitialized => ProblemType.AlreadyInitialized,
        VaultError.Sealed => ProblemType.Sealed,
        VaultError.AlreadyUnsealed => ProblemType.AlreadyUnsealed,
        VaultError.InvalidShare => ProblemType.InvalidShare,
        VaultError.UnsealFailed => ProblemType.UnsealFailed,
        VaultError.InvalidArgument => ProblemType.InvalidArgument,
        VaultError.KeyVersionRetired => ProblemType.KeyVersionRetired,
        VaultError.UnknownKeyVersion => ProblemType.UnknownKeyVersion,
        VaultError.IntegrityFailure => ProblemType.IntegrityFailure,
        VaultError.SecretNotFound => ProblemType.SecretNotFound,
        VaultError.ProviderFailure => ProblemType.ProviderFailure,
        VaultError.InvalidSecretForMechanism => ProblemType.InvalidSecret,
        _ => ProblemType.InternalError,
    };

    /// <summary>
    /// The framework's messages name the parameter and the JSON path, which helps; System.Text.Json's inner message can
    /// quote input, so only the outer message is passed on.
    /// </summary>
    private static string DescribeBadRequest(BadHttpRequestException exception) => exception.StatusCode switch
    {
        413 => "The request body is larger than this endpoint accepts.",
        415 => "Send the body as application/json.",
        _ when exception.InnerException is System.Text.Json.JsonException json =>
            "The body is not valid JSON for this endpoint" + (json.Path is { Length: > 0 } path ? $" (at {path})." : "."),
        _ => exception.Message,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} (trace {TraceId})")]
    private static partial void LogUnhandled(ILogger logger, string? exceptionType, string traceId, Exception exception);
}
