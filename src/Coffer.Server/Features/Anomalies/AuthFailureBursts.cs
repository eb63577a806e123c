using System.Collections.Concurrent;
using System.Globalization;
using Coffer.Server.Hosting;

namespace Coffer.Server.Features.Anomalies;

/// <summary>
/// The auth-failure-burst rule: more than <see cref="AnomalySettings.AuthFailureThreshold"/> failed authentications
/// within <see cref="AnomalySettings.AuthFailureWindow"/> against one account (failed sign-ins naming a user that
/// exists) or from one address (refused tokens, wrong passwords, wrong second factors). It only watches: lockout and
/// throttling go on exactly as before. Kept in memory on each node, which counts the failures it saw; a sliding window
/// of at most threshold + 1 times per subject, so memory stays bounded under a flood.
/// </summary>
internal sealed class AuthFailureBursts(ServerSettings settings)
{
    private const int MaxSubjects = 100_000;
    private readonly ConcurrentDictionary<string, Queue<long>> _failures = new(StringComparer.Ordinal);

    private AnomalySettings Rules => settings.Anomalies;

    /// <summary>Counts one failure; returns the findings (for the account, for the address) whose threshold it crossed.</summary>
    /// <param name="userId">The account the failure was against, when it names one that exists.</param>
    /// <param name="what">What failed, e.g. <c>token</c> or <c>signin</c> (a fact in the record).</param>
    public List<AnomalyFinding> Observe(Guid? userId, string? clientIp, string what, DateTimeOffset now)
    {
        var findings = new List<AnomalyFinding>();
        if (Rules.AuthFailures == AnomalyResponse.Off)
        {
            return findings;
        }

        if (userId is { } user && Count($"account|{user}", now) is { } onAccount)
        {
            findings.Add(Finding($"account|{user}", user, clientIp, onAccount, what, $"{onAccount} failed sign-ins to the account within {Minutes} minutes (the last from {clientIp ?? "an unknown address"})."));
        }

        if (clientIp is not null && Count($"address|{clientIp}", now) is { } fromAddress)
        {
            findings.Add(Finding($"address|{clientIp}", null, clientIp, fromAddress, what, $"{fromAddress} failed authentications from {clientIp} within {Minutes} minutes."));
        }

        return findings;
    }

    private string Minutes => Rules.AuthFailureWindow.TotalMinutes.ToString(CultureInfo.InvariantCulture);

    /// <summary>The failures in the window, counting this one, when they exceed the threshold; otherwise null.</summary>
    private int? Count(string subject, DateTimeOffset now)
    {
        if (_failures.Count >= MaxSubjects)
        {
            _failures.Clear();
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        var since = nowMs - (long)Rules.AuthFailureWindow.TotalMilliseconds;
        var times = _failures.GetOrAdd(subject, _ => new Queue<long>());
        lock (times)
        {
            while (times.Count > 0 && (times.Peek() <= since || times.Count > Rules.AuthFailureThreshold))
            {
                times.Dequeue();
            }

            times.Enqueue(nowMs);
            return times.Count > Rules.AuthFailureThreshold ? times.Count : null;
        }
    }

    private AnomalyFinding Finding(string subject, Guid? userId, string? clientIp, int count, string what, string summary) => new(
        AnomalyRules.AuthFailureBurst,
        subject,
        userId,
        null,
        clientIp,
        summary,
        [
            new("scope", userId is null ? "address" : "account"),
            new("failure", what),
            new("count", count.ToString(CultureInfo.InvariantCulture)),
            new("threshold", Rules.AuthFailureThreshold.ToString(CultureInfo.InvariantCulture)),
            new("window_minutes", Minutes),
        ]);
}
