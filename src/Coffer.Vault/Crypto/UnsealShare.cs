using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Coffer.Vault.Crypto;

/// <summary>
/// One Shamir share of the unseal key in the form an operator keeps and types back in:
/// <c>cofs1_</c> followed by base64url without padding (RFC 4648 §5) of
/// <c>version (1) || set id (8) || threshold (1) || x (1) || y (n) || checksum (4)</c>, where the checksum is the
/// first 4 bytes of SHA-256 over everything before it.
/// </summary>
/// <remarks>
/// The set id is chosen at split time and shared by all shares of one initialisation, so a share kept from an
/// earlier initialisation is recognised instead of silently producing a wrong key. The checksum catches typing
/// mistakes before a share is ever combined; it is not a MAC and gives no protection against deliberate forgery,
/// which the vault's authenticated decryption of its root key detects.
/// Disposing the share zeroes its y bytes. The text from <see cref="Encode"/> is a .NET string and cannot be zeroed;
/// it exists only to be shown to an operator once.
/// </remarks>
internal sealed class UnsealShare : IDisposable
{
    /// <summary>The binary layout version written by this code.</summary>
    public const byte CurrentVersion = 1;

    /// <summary>The text prefix; the digit tracks <see cref="CurrentVersion"/> so a future layout gets a new prefix.</summary>
    public const string Prefix = "cofs1_";

    /// <summary>Bytes of the random share-set id.</summary>
    public const int SetIdLength = 8;

    /// <summary>Largest secret a share may carry; bounds the work done on text from the network.</summary>
    public const int MaxSecretLength = 1024;

    private const int HeaderLength = 1 + SetIdLength + 1 + 1;
    private const int ChecksumLength = 4;
    private const int MinBinaryLength = HeaderLength + 1 + ChecksumLength;
    private const int MaxBinaryLength = HeaderLength + MaxSecretLength + ChecksumLength;

    private readonly byte[] _setId;
    private readonly byte[] _y;
    private bool _disposed;

    /// <summary>Creates a share of the current version. The spans are copied.</summary>
    /// <exception cref="ArgumentException">The set id is not 8 bytes, threshold or x is zero, or y is empty or too long.</exception>
    public UnsealShare(ReadOnlySpan<byte> setId, byte threshold, byte x, ReadOnlySpan<byte> y)
    {
        if (setId.Length != SetIdLength)
        {
            throw new ArgumentException($"A share-set id is {SetIdLength} bytes.", nameof(setId));
        }

        ArgumentOutOfRangeException.ThrowIfZero(threshold);
        ArgumentOutOfRangeException.ThrowIfZero(x);
        if (y.IsEmpty || y.Length > MaxSecretLength)
        {
            throw new ArgumentException($"A share carries 1 to {MaxSecretLength} y bytes.", nameof(y));
        }

        Version = CurrentVersion;
        _setId = setId.ToArray();
        Threshold = threshold;
        X = x;
        _y = y.ToArray();
    }

    /// <summary>The binary layout version.</summary>
    public byte Version { get; }

    /// <summary>Identifies the shares produced by one split.</summary>
    public ReadOnlySpan<byte> SetId => _setId;

    /// <summary>How many shares of the set are needed to recover the secret.</summary>
    public byte Threshold { get; }

    /// <summary>The share's x coordinate, 1..255.</summary>
    public byte X { get; }

    /// <summary>The share's y bytes, one per byte of the secret.</summary>
    /// <exception cref="ObjectDisposedException">The share was disposed.</exception>
    public ReadOnlySpan<byte> Y
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _y;
        }
    }

    /// <summary>Splits a secret and returns the text of each share, all under one fresh random set id.</summary>
    /// <exception cref="ArgumentException">The secret is empty or too long, or the share counts are out of range.</exception>
    public static IReadOnlyList<string> SplitToText(ReadOnlySpan<byte> secret, int shares, int threshold)
    {
        if (secret.Length > MaxSecretLength)
        {
            throw new ArgumentException($"A secret split into unseal shares is at most {MaxSecretLength} bytes.", nameof(secret));
        }

        var raw = Shamir.Split(secret, shares, threshold);
        try
        {
            Span<byte> setId = stackalloc byte[SetIdLength];
            RandomNumberGenerator.Fill(setId);

            var texts = new string[raw.Length];
            for (var i = 0; i < raw.Length; i++)
            {
                using var share = new UnsealShare(setId, (byte)threshold, raw[i][0], raw[i].AsSpan(1));
                texts[i] = share.Encode();
            }

            return texts;
        }
        finally
        {
            foreach (var share in raw)
            {
                CryptographicOperations.ZeroMemory(share);
            }
        }
    }

    /// <summary>
    /// Parses a share typed or pasted by an operator. Surrounding whitespace is ignored; anything else that is not
    /// exactly a well-formed share is refused with a message saying what is wrong, never repeating the share.
    /// </summary>
    /// <exception cref="InvalidShareException">The text is not a valid share.</exception>
    public static UnsealShare Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            throw new InvalidShareException("the unseal share is empty");
        }

        if (!trimmed.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new InvalidShareException($"not a Coffer unseal share (expected prefix {Prefix})");
        }

        var body = trimmed[Prefix.Length..];
        for (var i = 0; i < body.Length; i++)
        {
            if (Base64UrlValue(body[i]) < 0)
            {
                // The position helps the operator find the mistake; the character itself is not repeated.
                throw new InvalidShareException(
                    $"the unseal share has a character that cannot occur in a share at position {Prefix.Length + i + 1}: " +
                    "only letters, digits, '-' and '_' follow the prefix");
            }
        }

        // RFC 4648 §4: unpadded base64 never leaves a single character in the last group.
        if (body.Length % 4 == 1)
        {
            throw new InvalidShareException("the unseal share has the wrong number of characters: one was added or left out");
        }

        var binaryLength = body.Length / 4 * 3 + (body.Length % 4 == 0 ? 0 : body.Length % 4 - 1);
        if (binaryLength < MinBinaryLength)
        {
            throw new InvalidShareException("the unseal share is too short: characters are missing");
        }

        if (binaryLength > MaxBinaryLength)
        {
            throw new InvalidShareException("the unseal share is too long: it has extra characters");
        }

        // RFC 4648 §3.5: the unused low bits of the last character must be zero. Without this check two different texts
        // would decode to the same share, and a changed last character could go unnoticed.
        var unusedBits = (body.Length % 4) switch { 2 => 4, 3 => 2, _ => 0 };
        if ((Base64UrlValue(body[^1]) & ((1 << unusedBits) - 1)) != 0)
        {
            throw new InvalidShareException("the share's checksum does not match: it was mistyped or corrupted");
        }

        var bytes = new byte[binaryLength];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        try
        {
            if (Base64Url.DecodeFromChars(body, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != binaryLength)
            {
                throw new InvalidShareException("the unseal share could not be decoded: it was mistyped or corrupted");
            }

            SHA256.HashData(bytes.AsSpan(0, binaryLength - ChecksumLength), hash);
            if (!CryptographicOperations.FixedTimeEquals(hash[..ChecksumLength], bytes.AsSpan(binaryLength - ChecksumLength)))
            {
                throw new InvalidShareException("the share's checksum does not match: it was mistyped or corrupted");
            }

            // The checksum matched, so these fields are as written by whoever made the share.
            var version = bytes[0];
            if (version != CurrentVersion)
            {
                throw new InvalidShareException($"the unseal share uses format version {version}, which this version of Coffer cannot read");
            }

            var threshold = bytes[1 + SetIdLength];
            var x = bytes[1 + SetIdLength + 1];
            if (threshold == 0 || x == 0)
            {
                throw new InvalidShareException("the unseal share is invalid: its threshold or index is zero");
            }

            return new UnsealShare(
                bytes.AsSpan(1, SetIdLength),
                threshold,
                x,
                bytes.AsSpan(HeaderLength, binaryLength - HeaderLength - ChecksumLength));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            CryptographicOperations.ZeroMemory(hash);
        }
    }

    /// <summary>The share's text form (see the type's summary).</summary>
    /// <exception cref="ObjectDisposedException">The share was disposed.</exception>
    public string Encode()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        var bytes = new byte[HeaderLength + _y.Length + ChecksumLength];
        var chars = new char[Prefix.Length + Base64Url.GetEncodedLength(bytes.Length)];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        try
        {
            bytes[0] = Version;
            _setId.CopyTo(bytes, 1);
            bytes[1 + SetIdLength] = Threshold;
            bytes[1 + SetIdLength + 1] = X;
            _y.CopyTo(bytes, HeaderLength);

            var checksummed = bytes.AsSpan(0, bytes.Length - ChecksumLength);
            SHA256.HashData(checksummed, hash);
            hash[..ChecksumLength].CopyTo(bytes.AsSpan(checksummed.Length));

            Prefix.CopyTo(chars);
            Base64Url.EncodeToChars(bytes, chars.AsSpan(Prefix.Length));
            return new string(chars);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            CryptographicOperations.ZeroMemory(hash);
            chars.AsSpan().Clear();
        }
    }

    /// <summary>Zeroes the y bytes.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_y);
        _disposed = true;
    }

    /// <summary>Whether this share comes from the split described by the given set id, version, threshold and secret length.</summary>
    internal bool IsSameSet(ReadOnlySpan<byte> setId, byte version, byte threshold, int yLength) =>
        Version == version && Threshold == threshold && _y.Length == yLength && _setId.AsSpan().SequenceEqual(setId);

    // RFC 4648 §5, Table 2: the URL and filename safe alphabet. Returns -1 for anything outside it.
    private static int Base64UrlValue(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };
}

/// <summary>A share that cannot be used. The message tells the operator what is wrong and never contains the share.</summary>
internal sealed class InvalidShareException : FormatException
{
    public InvalidShareException()
        : base("the unseal share is not valid")
    {
    }

    public InvalidShareException(string message)
        : base(message)
    {
    }

    public InvalidShareException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>What <see cref="UnsealProgress.Add"/> did with a share.</summary>
internal enum UnsealAddResult
{
    /// <summary>The share was new and now counts towards the threshold.</summary>
    Accepted,

    /// <summary>The same share was already given; it does not count twice.</summary>
    Duplicate,

    /// <summary>The share belongs to another set (another initialisation) than the first share given; it was refused.</summary>
    WrongSet,

    /// <summary>
    /// A different share with the same index was already given. One of the two is not genuine, so the attempt cannot be
    /// trusted; the new share was refused and the caller should <see cref="UnsealProgress.Reset"/>.
    /// </summary>
    Conflict,
}

/// <summary>
/// Collects the shares of one unseal attempt in memory until the threshold is reached. Safe to call from several
/// threads. Nothing is ever written to disk: shares live only here, and <see cref="Reset"/> zeroes them.
/// </summary>
internal sealed class UnsealProgress
{
    private readonly Lock _lock = new();

    // x coordinate -> copy of the y bytes; owned by this instance and zeroed by Reset.
    private readonly Dictionary<byte, byte[]> _shares = [];

    // The set fixed by the first share given; every later share must match it.
    private byte[]? _setId;
    private byte _version;
    private byte _threshold;
    private int _yLength;

    /// <summary>Number of distinct shares held.</summary>
    public int Provided
    {
        get
        {
            lock (_lock)
            {
                return _shares.Count;
            }
        }
    }

    /// <summary>The threshold carried by the first share given, or 0 before any share.</summary>
    public int Threshold
    {
        get
        {
            lock (_lock)
            {
                return _threshold;
            }
        }
    }

    /// <summary>Whether enough shares are held to <see cref="Combine"/>.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_lock)
            {
                return IsCompleteLocked();
            }
        }
    }

    /// <summary>
    /// Adds a share. The first share fixes the set; the y bytes are copied, so the caller may dispose the share.
    /// </summary>
    public UnsealAddResult Add(UnsealShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        var y = share.Y;

        lock (_lock)
        {
            if (_setId is null)
            {
                _setId = share.SetId.ToArray();
                _version = share.Version;
                _threshold = share.Threshold;
                _yLength = y.Length;
            }
            else if (!share.IsSameSet(_setId, _version, _threshold, _yLength))
            {
                return UnsealAddResult.WrongSet;
            }

            if (_shares.TryGetValue(share.X, out var held))
            {
                return CryptographicOperations.FixedTimeEquals(held, y) ? UnsealAddResult.Duplicate : UnsealAddResult.Conflict;
            }

            _shares.Add(share.X, y.ToArray());
            return UnsealAddResult.Accepted;
        }
    }

    /// <summary>Recovers the secret from the shares held. The caller owns the result and must zero it.</summary>
    /// <exception cref="InvalidOperationException">Fewer shares than the threshold are held.</exception>
    public byte[] Combine()
    {
        lock (_lock)
        {
            if (!IsCompleteLocked())
            {
                throw new InvalidOperationException($"{_shares.Count} of {_threshold} unseal shares have been provided; more are needed.");
            }

            var points = new List<(byte X, byte[] Y)>(_shares.Count);
            foreach (var (x, y) in _shares)
            {
                points.Add((x, y));
            }

            return Shamir.Combine(points);
        }
    }

    /// <summary>Zeroes and forgets every share held, so the next share starts a new attempt.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            foreach (var y in _shares.Values)
            {
                CryptographicOperations.ZeroMemory(y);
            }

            _shares.Clear();
            _setId = null;
            _version = 0;
            _threshold = 0;
            _yLength = 0;
        }
    }

    private bool IsCompleteLocked() => _setId is not null && _shares.Count >= _threshold;
}
