namespace Coffer.Server.Features.Notifications;

internal enum DeliveryOutcomeKind
{
    Delivered,

    /// <summary>A transient failure: try again after the back-off (or the receiver's Retry-After).</summary>
    Retry,

    /// <summary>A permanent failure: trying again would not help.</summary>
    Failed,

    /// <summary>Not tried now (the vault is sealed, so nothing can be signed); does not use up a try.</summary>
    Deferred,
}

/// <summary>What one try of one delivery came to. <see cref="Error"/> is safe to store and show.</summary>
internal sealed record DeliveryOutcome(DeliveryOutcomeKind Kind, int? Code = null, string? Error = null, TimeSpan? RetryAfter = null)
{
    public static DeliveryOutcome Delivered(int? code) => new(DeliveryOutcomeKind.Delivered, code);

    public static DeliveryOutcome Retry(string error, int? code = null, TimeSpan? retryAfter = null) => new(DeliveryOutcomeKind.Retry, code, error, retryAfter);

    public static DeliveryOutcome Failed(string error, int? code = null) => new(DeliveryOutcomeKind.Failed, code, error);

    public static DeliveryOutcome Deferred(string reason) => new(DeliveryOutcomeKind.Deferred, null, reason);
}
