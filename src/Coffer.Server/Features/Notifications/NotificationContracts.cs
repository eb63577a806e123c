namespace Coffer.Server.Features.Notifications;

/// <summary>Details are passed through as the JSON object they were stored as (the snake_case policy does not rename their keys).</summary>
internal sealed record NotificationResponse(Guid Id, string Kind, string Title, string Body, System.Text.Json.JsonElement Details, DateTimeOffset OccurredAt, DateTimeOffset? ReadAt);

/// <summary>A page, newest first; pass <see cref="NextCursor"/> as <c>cursor</c> for the next (null: this is the last).</summary>
internal sealed record NotificationPage(IReadOnlyList<NotificationResponse> Items, string? NextCursor);

/// <summary><c>kinds</c> omitted or null: every kind. <c>enabled</c> omitted: true.</summary>
internal sealed record CreateChannelRequest(string? Type, string? Target, IReadOnlyList<string>? Kinds, bool? Enabled);

/// <summary>Fields left out (null) stay as they are; <c>all_kinds: true</c> clears the kind filter.</summary>
internal sealed record UpdateChannelRequest(bool? Enabled, IReadOnlyList<string>? Kinds, bool? AllKinds);

/// <summary>A channel as listed: never its signing secret. <c>kinds</c> is null when the channel takes every kind.</summary>
internal sealed record ChannelResponse(Guid Id, string Type, string Target, IReadOnlyList<string>? Kinds, bool Enabled, DateTimeOffset CreatedAt);

/// <summary>The answer to creating a channel: for a webhook, the signing secret, shown this once and never again.</summary>
internal sealed record ChannelCreatedResponse(Guid Id, string Type, string Target, IReadOnlyList<string>? Kinds, bool Enabled, DateTimeOffset CreatedAt, string? Secret);

internal sealed record ChannelList(IReadOnlyList<ChannelResponse> Items);

internal sealed record ChannelTestResponse(Guid NotificationId, Guid DeliveryId);

internal sealed record DeliveryResponse(Guid Id, Guid NotificationId, Guid ChannelId, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt, int? LastCode, string? LastError, DateTimeOffset? CompletedAt);

internal sealed record DeliveryList(IReadOnlyList<DeliveryResponse> Items);
