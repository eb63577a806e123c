namespace Coffer.Server.Features.Trading;

/// <summary>
/// The <c>Idempotency-Key</c> request header (draft-ietf-httpapi-idempotency-key-header: an sf-string; a bare token is
/// accepted as well, as most clients send one). 1 to 128 printable ASCII characters.
/// </summary>
internal static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 128;

    public static bool TryRead(HttpRequest request, out string key)
    {
        var text = request.Headers[Header].ToString().Trim();
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = text[1..^1];
        }

        key = text;
        return request.Headers[Header].Count == 1 && text.Length is > 0 and <= MaxLength && text.All(c => c is > ' ' and <= '~');
    }
}
