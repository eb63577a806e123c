namespace Coffer.Server.Features.Notifications;

/// <summary>
/// Timestamps as they will read back from the database. PostgreSQL keeps microseconds, .NET ticks of 100 ns; cutting
/// to whole microseconds before storing makes the value an API answers with now equal to every later read of it.
/// </summary>
internal static class StoredTime
{
    public static DateTimeOffset Now(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
