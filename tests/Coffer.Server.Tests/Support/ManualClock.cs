using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Support;

/// <summary>A clock the test moves by hand, safe to read from request threads (FakeTimeProvider is not available here).</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = DateTimeOffset.UtcNow.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    /// <summary>Moves to the start of the next 30-second TOTP step (plus a second), so a new code is due.</summary>
    public void NextTotpStep()
    {
        var now = GetUtcNow().ToUnixTimeSeconds();
        Advance(TimeSpan.FromSeconds(30 - (now % 30) + 1));
    }

    /// <summary>Replaces the server's TimeProvider with this clock.</summary>
    public Action<WebApplicationBuilder> Install() => builder => builder.Services.AddSingleton<TimeProvider>(this);
}
