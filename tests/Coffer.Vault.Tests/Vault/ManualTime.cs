namespace Coffer.Vault.Tests.Vault;

/// <summary>A clock the test moves by hand (FakeTimeProvider is not available here).</summary>
internal sealed class ManualTime : TimeProvider
{
    private DateTimeOffset _now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
