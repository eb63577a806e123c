namespace Coffer.Server.Features.Notifications;

/// <summary>
/// Tells a user that something happened to their account: the one way other features raise notifications.
/// </summary>
internal interface INotifier
{
    /// <summary>
    /// Records the notification in the user's in-app list and queues one delivery per enabled channel that takes this
    /// kind; a background dispatcher sends them. Returns as soon as that is written: it never waits for, and never throws
    /// because of, an SMTP server or a webhook receiver (a database outage is logged, not thrown, too). Only
    /// cancellation of <paramref name="cancellationToken"/> ends it with an exception.
    /// </summary>
    /// <param name="title">One line (it becomes the e-mail subject); line breaks are replaced by spaces.</param>
    /// <param name="body">Plain text. Never a secret or a whole token: name tokens by accessor. Anything shaped like a
    /// Coffer token, unseal share or webhook secret is redacted all the same.</param>
    /// <param name="details">A few short facts (accessor, IP, exchange …), shown as key: value and sent as a JSON object.</param>
    Task NotifyAsync(Guid userId, NotificationKind kind, string title, string body, IReadOnlyDictionary<string, string>? details, CancellationToken cancellationToken);
}
