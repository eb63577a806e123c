using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Coffer.Server.Features.Audit;

/// <summary>
/// The audit log's cryptography: the record hash that links the chain, and the HMAC of sensitive values.
/// <para>
/// A record's hash is SHA-256 over <c>coffer-audit-v1\n</c> followed by each field, in a fixed order, as
/// <c>name:&lt;UTF-8 byte length&gt;:value\n</c>, or <c>name:-\n</c> for a null. The length prefix makes the encoding
/// unambiguous (no value can pass for a field boundary, and null differs from empty). prev_hash is one of the fields,
/// so each record commits to the whole chain before it; the first record's prev_hash is 64 zeros.
/// </para>
/// </summary>
internal static class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";
    public const string HmacPrefix = "hmac-sha256:";

    private const string Version = "coffer-audit-v1";

    /// <summary>Times are kept to the microsecond: PostgreSQL stores no more, and the hash must survive the round trip.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    /// <summary>The fixed text form of a record's time in the hash: UTC, six fractional digits, 'Z'.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static string Outcome(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Success => "success",
        AuditOutcome.Denied => "denied",
        AuditOutcome.Failure => "failure",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown outcome."),
    };

    /// <summary>The hash of a record with these field values (lowercase hex).</summary>
    public static string Hash(AuditRecordRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var text = new StringBuilder(256).Append(Version).Append('\n');
        Field(text, "seq", row.Seq.ToString(CultureInfo.InvariantCulture));
        Field(text, "occurred_at", FormatTime(row.OccurredAt));
        Field(text, "actor", row.Actor);
        Field(text, "user_id", row.UserId?.ToString("D", CultureInfo.InvariantCulture));
        Field(text, "action", row.Action);
        Field(text, "target", row.Target);
        Field(text, "outcome", row.Outcome);
        Field(text, "client_ip", row.ClientIp);
        Field(text, "details", row.Details);
        Field(text, "prev_hash", row.PrevHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// <c>hmac-sha256:&lt;lowercase hex&gt;</c> of <paramref name="value"/> (UTF-8) keyed with <paramref name="salt"/>,
    /// as Vault/OpenBao hash audit values (<c>sdk/helper/salt/salt.go</c>; known answer in security.md §1.7).
    /// </summary>
    public static string Hmac(ReadOnlySpan<byte> salt, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return HmacPrefix + Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(value)));
    }

    /// <summary>The details as compact JSON text, sensitive values replaced by their HMAC (the salt never leaves here).</summary>
    public static string DetailsJson(IReadOnlyList<AuditDetail> details, ReadOnlySpan<byte> salt)
    {
        ArgumentNullException.ThrowIfNull(details);
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var detail in details)
            {
                json.WritePropertyName(detail.Key);
                WriteValue(json, detail.Sensitive && detail.Value is string secret ? Hmac(salt, secret) : detail.Value);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The details for a sink that has no salt: sensitive values are left out entirely.</summary>
    public static void WriteRedactedDetails(Utf8JsonWriter json, IReadOnlyList<AuditDetail> details)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(details);
        json.WriteStartObject();
        foreach (var detail in details)
        {
            json.WritePropertyName(detail.Key);
            WriteValue(json, detail.Sensitive ? "redacted" : detail.Value);
        }

        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case long n:
                json.WriteNumberValue(n);
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            default:
                throw new ArgumentException($"Audit details are strings, integers or booleans, not {value.GetType().Name}.", nameof(value));
        }
    }

    private static void Field(StringBuilder text, string name, string? value)
    {
        text.Append(name).Append(':');
        if (value is null)
        {
            text.Append('-');
        }
        else
        {
            text.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
        }

        text.Append('\n');
    }
}
