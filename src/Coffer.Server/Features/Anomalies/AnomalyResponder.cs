using System.Collections.Concurrent;
using Coffer.Server.Data;
using Coffer.Server.Features.Account;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Metrics;
using Coffer.Server.Features.Notifications;
using Coffer.Server.Features.Sys;
using Coffer.Server.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Anomalies;

/// <summary>
/// Carries out a rule's configured response to a finding: at most once per rule and subject within the cool-down
/// (per node), an <c>anomaly.&lt;rule&gt;</c> audit record, the response itself (freeze the user, or seal the server),
/// then a notification to the user concerned — or to every admin when nobody is (an address-only burst, or a seal).
/// The protective part never waits on the client: a client that hangs up cannot stop a freeze or a seal. The audit
/// record is best effort like a seal's: detection must not be switched off by an audit log that is down.
/// </summary>
internal sealed partial class AnomalyResponder(
    ServerSettings settings,
    TimeProvider time,
    AuditLog audit,
    INotifier notifier,
    IDbContextFactory<CofferDb> factory,
    CofferMetrics metrics,
    AccountFreezer freezer,
    ServerSealer sealer,
    ILogger<AnomalyResponder> logger)
{
    private const int MaxCooldowns = 100_000;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastFired = new(StringComparer.Ordinal);

    /// <summary>Responds to <paramref name="finding"/>; returns whether the request that raised it must stop here (a freeze or seal happened).</summary>
    public async Task<bool> RespondAsync(HttpContext http, AnomalyFinding finding)
    {
        var response = ResponseFor(finding.Rule);
        if (response == AnomalyResponse.Off || !FirstInCooldown($"{finding.Rule}|{finding.Subject}"))
        {
            return false;
        }

        var freezes = response == AnomalyResponse.Freeze && finding.UserId is not null;
        var responseName = Name(response);
        var entry = new AuditEntry($"anomaly.{finding.Rule}", AuditOutcome.Success)
        {
            UserId = finding.UserId,
            Target = finding.Accessor ?? finding.UserId?.ToString(),
            ClientIp = finding.ClientIp,
        }.With("rule", finding.Rule).With("response", responseName).With("accessor", finding.Accessor);
        if (response == AnomalyResponse.Freeze && !freezes)
        {
            entry.With("freeze", "not_applicable: no user is known for this address; the admins were told instead");
        }

        foreach (var (key, value) in finding.Facts)
        {
            entry.With(key, value);
        }

        try
        {
            await audit.AppendAsync(entry, CancellationToken.None);
        }
        catch (AuditUnavailableException ex)
        {
            LogNotAudited(logger, finding.Rule, ex);
        }

        metrics.Anomaly(finding.Rule, responseName);
        var reason = $"{finding.Summary} (anomaly rule {finding.Rule})";
        if (freezes)
        {
            await freezer.FreezeAsync(http, finding.UserId!.Value, reason, CancellationToken.None);
        }
        else if (response == AnomalyResponse.Seal)
        {
            await sealer.SealAsync(http, reason);
        }

        await NotifyAsync(finding, response, freezes);
        return freezes || response == AnomalyResponse.Seal;
    }

    private AnomalyResponse ResponseFor(string rule) => rule switch
    {
        AnomalyRules.NewIpRange => settings.Anomalies.NewIpRange,
        AnomalyRules.AuthFailureBurst => settings.Anomalies.AuthFailures,
        AnomalyRules.RateSpike => settings.Anomalies.RateSpike,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown anomaly rule."),
    };

    private static string Name(AnomalyResponse response) => response.ToString().ToLowerInvariant();

    private bool FirstInCooldown(string key)
    {
        var now = time.GetUtcNow();
        if (_lastFired.Count >= MaxCooldowns)
        {
            foreach (var (old, at) in _lastFired)
            {
                if (now - at >= settings.Anomalies.Cooldown)
                {
                    _lastFired.TryRemove(old, out _);
                }
            }
        }

        var fired = false;
        _lastFired.AddOrUpdate(
            key,
            _ =>
            {
                fired = true;
                return now;
            },
            (_, last) =>
            {
                fired = now - last >= settings.Anomalies.Cooldown;
                return fired ? now : last;
            });
        return fired;
    }

    private async Task NotifyAsync(AnomalyFinding finding, AnomalyResponse response, bool froze)
    {
        var done = response switch
        {
            AnomalyResponse.Seal => "Coffer sealed the whole server: nothing is signed until a quorum of operators unseals it.",
            AnomalyResponse.Freeze when froze => "Coffer froze the account: every session and token was revoked; unfreeze with your password and second factor.",
            AnomalyResponse.Freeze => "No account is known for this address, so nothing was frozen.",
            _ => "Nothing was blocked. If this was not you or one of your tools, revoke the token or freeze the account now.",
        };
        var details = new Dictionary<string, string> { ["rule"] = finding.Rule, ["response"] = Name(response) };
        if (finding.Accessor is not null)
        {
            details["accessor"] = finding.Accessor;
        }

        if (finding.ClientIp is not null)
        {
            details["client_ip"] = finding.ClientIp;
        }

        List<Guid> recipients;
        if (finding.UserId is { } user)
        {
            recipients = [user];
        }
        else
        {
            await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
            recipients = await SealNotifications.AdminsAsync(db, CancellationToken.None);
        }

        var title = finding.UserId is null ? "Unusual activity on the Coffer server" : "Unusual activity on your Coffer account";
        foreach (var recipient in recipients)
        {
            await notifier.NotifyAsync(recipient, NotificationKind.SecurityAnomaly, title, $"{finding.Summary} {done}", details, CancellationToken.None);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The anomaly {Rule} could not be audited; its response goes ahead")]
    private static partial void LogNotAudited(ILogger logger, string rule, Exception exception);
}
