using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Data;

/// <summary>
/// Times that queries filter or order by are stored as UTC <see cref="DateTime"/>: EF Core's SQLite provider does not
/// translate comparisons of <see cref="DateTimeOffset"/> (text with an offset there), while a UTC DateTime is text that
/// sorts in time order on SQLite and <c>timestamp with time zone</c> on PostgreSQL.
/// </summary>
internal static class UtcTime
{
    public static PropertyBuilder<DateTimeOffset> AsUtc(this PropertyBuilder<DateTimeOffset> property) =>
        property.HasConversion(v => v.UtcDateTime, v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));

    public static PropertyBuilder<DateTimeOffset?> AsUtc(this PropertyBuilder<DateTimeOffset?> property) =>
        property.HasConversion(
            v => v.HasValue ? v.Value.UtcDateTime : (DateTime?)null,
            v => v.HasValue ? new DateTimeOffset(DateTime.SpecifyKind(v.Value, DateTimeKind.Utc)) : null);
}
