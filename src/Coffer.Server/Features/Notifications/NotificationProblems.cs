using Coffer.Server.Problems;

namespace Coffer.Server.Features.Notifications;

/// <summary>The problem types of the notifications API (beside the shared ones in <see cref="ProblemType"/>).</summary>
internal static class NotificationProblems
{
    public static readonly ProblemType InvalidChannel = new("invalid-channel", 400, "The notification channel is not valid.");
    public static readonly ProblemType WebhookUrlRefused = new("webhook-url-refused", 400, "Coffer does not send webhooks to this URL.");
    public static readonly ProblemType EmailNotConfigured = new("email-not-configured", 400, "E-mail notifications are not configured on this server.");
    public static readonly ProblemType ChannelLimit = new("channel-limit", 409, "Too many notification channels.");
}
