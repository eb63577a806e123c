namespace Coffer.Server.Tests.Support;

/// <summary>A test class with its own data directory and a started server over it (SQLite, shamir unless overridden).</summary>
public abstract class ServerTest : IAsyncLifetime
{
    private readonly TestData _data = new();

    internal ServerInstance Server { get; set; } = null!;

    internal TestData Data => _data;

    public virtual async Task InitializeAsync() => Server = await ServerInstance.StartAsync(_data.Settings());

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _data.Dispose();
    }
}
