using System.Text;
using Coffer.Vault.KeyProviders;

namespace Coffer.Vault.Pkcs11;

/// <summary>
/// Wraps the vault's unseal key under an AES key-encryption key (KEK) that lives in a PKCS#11 token and can never be
/// read out of it: CKM_AES_KEY_WRAP_PAD (RFC 5649) through C_WrapKey / C_UnwrapKey.
/// </summary>
/// <remarks>
/// <para>
/// The KEK only has CKA_WRAP/CKA_UNWRAP, never CKA_ENCRYPT/CKA_DECRYPT: a key that may both wrap and decrypt lets
/// anyone with a session wrap an extractable key and then decrypt the blob (OpenSC#1913); an AES-ECB decrypt oracle
/// is enough to undo RFC 3394/5649 in software. RFC 5649 gives integrity but no associated data, so binding the
/// unseal key to its context is left to the data layer (security.md §8.4).
/// </para>
/// <para>
/// PKCS#11 login state belongs to the application (the process) and the token, not to a session: "when an
/// application's session logs into a token, all of that application's sessions with that token become logged in",
/// and C_Logout / C_CloseAllSessions likewise act for every session the process has with the token (PKCS#11 v2.40
/// base, session events / C_CloseAllSessions). Consequences: a second wrapper in the same process gets
/// CKR_USER_ALREADY_LOGGED_IN, which is accepted (the token is already unlocked by this process; SoftHSM2 then
/// does not look at the PIN at all, so a wrong PIN is only detected by the first login of the process); and
/// <see cref="Close"/> on one wrapper also ends the sessions of any other wrapper on the same token, which is what
/// sealing means. Such a wrapper opens a new session and logs in again on its next call.
/// </para>
/// <para>Thread-safe: one lock serializes use of the session (a session runs one operation at a time).</para>
/// </remarks>
internal sealed class Pkcs11KeyWrapper : IUnsealKeyWrapper
{
    /// <summary>Size of the KEK in bytes (AES-256).</summary>
    internal const int KeyEncryptionKeyLength = 32;

    /// <summary>The RFC 5649 integrity check block that C_WrapKey prepends: 8 bytes, plus padding to 8 bytes.</summary>
    private const int WrapOverhead = 8;

    private readonly Lock _lock = new();
    private readonly Pkcs11Options _options;
    private readonly nuint _slot;
    private Pkcs11Module? _module;
    private nuint _session;
    private nuint _keyEncryptionKey;

    private Pkcs11KeyWrapper(Pkcs11Options options, Pkcs11Module module, nuint slot)
    {
        _options = options;
        _module = module;
        _slot = slot;
    }

    /// <summary>The slot the token was found in (SoftHSM2 assigns arbitrary slot ids, so this is looked up by label).</summary>
    internal nuint Slot => _slot;

    /// <summary>
    /// Loads the module, finds the token by label, opens a R/W session and logs in as CKU_USER.
    /// </summary>
    /// <exception cref="Pkcs11Exception">A PKCS#11 call failed, e.g. CKR_PIN_INCORRECT for a wrong PIN.</exception>
    /// <exception cref="InvalidOperationException">No token (or more than one) carries the label.</exception>
    public static Pkcs11KeyWrapper Open(Pkcs11Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.TokenLabel);
        ArgumentException.ThrowIfNullOrEmpty(options.KeyLabel);
        ArgumentNullException.ThrowIfNull(options.Pin);

        var module = Pkcs11Module.Acquire(options.LibraryPath);
        Pkcs11KeyWrapper? wrapper = null;
        try
        {
            var slot = FindTokenSlot(module, options.TokenLabel);
            wrapper = new Pkcs11KeyWrapper(options, module, slot);
            lock (wrapper._lock)
            {
                wrapper.EnsureSession();
            }

            return wrapper;
        }
        catch
        {
            if (wrapper is not null)
            {
                wrapper.Dispose();
            }
            else
            {
                module.Release();
            }

            throw;
        }
    }

    /// <inheritdoc />
    public void EnsureKeyEncryptionKey() => Run(session =>
    {
        if (FindKeyEncryptionKey(session) == 0)
        {
            _keyEncryptionKey = GenerateKeyEncryptionKey(session);
        }

        return true;
    });

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The key is empty or its length is not a multiple of 8 bytes.</exception>
    public byte[] Wrap(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || key.Length % 8 != 0)
        {
            // RFC 5649 itself takes any length, but SoftHSM2 2.6.1 zero-pads the key data to a multiple of 8 before
            // it applies RFC 5649, so the blob records the padded length: it is not what RFC 5649 specifies, another
            // HSM would unwrap it to the padded bytes, and so would SoftHSM itself. Unseal keys are 32 bytes, so
            // refusing other lengths costs nothing and keeps every blob portable (see KeyWrapKnownAnswerTests).
            throw new ArgumentException("Only keys of a non-zero multiple of 8 bytes can be wrapped.", nameof(key));
        }

        lock (_lock)
        {
            for (var attempt = 0; ; attempt++)
            {
                var session = EnsureSession();
                try
                {
                    var kek = RequireKeyEncryptionKey(session);
                    return WrapImported(session, Ckm.AesKeyWrapPad, kek, key, Ckk.GenericSecret);
                }
                catch (Pkcs11Exception e) when (attempt == 0 && IsSessionLost(e))
                {
                    DropSession();
                }
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="Pkcs11Exception">
    /// The blob was altered or was wrapped under another key: the RFC 5649 integrity check fails inside the token.
    /// </exception>
    public byte[] Unwrap(ReadOnlySpan<byte> wrapped)
    {
        if (wrapped.Length <= WrapOverhead || wrapped.Length % 8 != 0)
        {
            // RFC 5649 §3: the output is n+1 64-bit blocks, n >= 1.
            throw new ArgumentException("A wrapped key is a multiple of 8 bytes and longer than 8.", nameof(wrapped));
        }

        lock (_lock)
        {
            for (var attempt = 0; ; attempt++)
            {
                var session = EnsureSession();
                try
                {
                    var kek = RequireKeyEncryptionKey(session);
                    return UnwrapCore(session, Ckm.AesKeyWrapPad, kek, wrapped);
                }
                catch (Pkcs11Exception e) when (attempt == 0 && IsSessionLost(e))
                {
                    DropSession();
                }
            }
        }
    }

    /// <summary>
    /// C_Logout and C_CloseAllSessions for the token (the vault seals). Session objects vanish with their sessions.
    /// A later call opens a new session and logs in again.
    /// </summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_module is null || _session == 0)
            {
                return;
            }

            // CKR_USER_NOT_LOGGED_IN or CKR_SESSION_HANDLE_INVALID only mean that someone else already did this.
            _ = _module.Logout(_session);
            _ = _module.CloseAllSessions(_slot);
            _session = 0;
            _keyEncryptionKey = 0;
        }
    }

    /// <summary>
    /// Closes this wrapper's session and releases its reference to the module (the last reference finalizes it).
    /// Unlike <see cref="Close"/> this leaves other wrappers' sessions alone; closing the process's last session
    /// with the token logs the user out anyway (PKCS#11 v2.40 base, C_CloseSession).
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_module is null)
            {
                return;
            }

            DropSession();
            _module.Release();
            _module = null;
        }
    }

    // ---- Test surface. Internal, named *ForTesting, and never used by the vault itself. ----

    /// <summary>Reads one attribute of the KEK; throws <see cref="Pkcs11Exception"/> as the token does.</summary>
    internal byte[] GetKeyEncryptionKeyAttributeForTesting(nuint attributeType) =>
        Run(session => Module.GetAttribute(session, RequireKeyEncryptionKey(session), attributeType));

    /// <summary>
    /// Tries to export the KEK: generates a throw-away AES session key with CKA_WRAP and calls C_WrapKey on the KEK
    /// with it. Must fail with CKR_KEY_UNEXTRACTABLE.
    /// </summary>
    internal byte[] WrapKeyEncryptionKeyForTesting() => Run(session =>
    {
        var kek = RequireKeyEncryptionKey(session);
        using var template = new AttributeTemplate()
            .ULong(Cka.Class, Cko.SecretKey)
            .ULong(Cka.KeyType, Ckk.Aes)
            .ULong(Cka.ValueLen, KeyEncryptionKeyLength)
            .Bool(Cka.Token, false)
            .Bool(Cka.Wrap, true)
            .Bool(Cka.Unwrap, false)
            .Bool(Cka.Encrypt, false)
            .Bool(Cka.Decrypt, false);
        var attacker = Module.GenerateKey(session, Ckm.AesKeyGen, template);
        try
        {
            return Module.WrapKey(session, Ckm.AesKeyWrapPad, attacker, kek);
        }
        finally
        {
            _ = Module.DestroyObject(session, attacker);
        }
    });

    /// <summary>
    /// Known-answer helper: imports <paramref name="kek"/> (CKK_AES, CKA_WRAP) and <paramref name="keyData"/> (of
    /// <paramref name="keyDataType"/>, extractable) as session objects, wraps with <paramref name="mechanism"/>,
    /// destroys both.
    /// </summary>
    internal byte[] WrapWithImportedKeysForTesting(
        nuint mechanism, ReadOnlySpan<byte> kek, ReadOnlySpan<byte> keyData, nuint keyDataType)
    {
        lock (_lock)
        {
            var session = EnsureSession();
            using var template = new AttributeTemplate()
                .ULong(Cka.Class, Cko.SecretKey)
                .ULong(Cka.KeyType, Ckk.Aes)
                .Bool(Cka.Token, false)
                .Bool(Cka.Wrap, true)
                .Bool(Cka.Encrypt, false)
                .Bool(Cka.Decrypt, false)
                .Bytes(Cka.Value, kek);
            var wrappingKey = Module.CreateObject(session, template);
            try
            {
                return WrapImported(session, mechanism, wrappingKey, keyData, keyDataType);
            }
            finally
            {
                _ = Module.DestroyObject(session, wrappingKey);
            }
        }
    }

    /// <summary>
    /// Known-answer helper for the unwrap direction: imports <paramref name="kek"/> (CKK_AES, CKA_UNWRAP) as a session
    /// object, unwraps <paramref name="wrapped"/> with <paramref name="mechanism"/> into a readable generic secret and
    /// returns its CKA_VALUE; destroys both objects.
    /// </summary>
    internal byte[] UnwrapWithImportedKeyForTesting(nuint mechanism, ReadOnlySpan<byte> kek, ReadOnlySpan<byte> wrapped)
    {
        lock (_lock)
        {
            var session = EnsureSession();
            using var template = new AttributeTemplate()
                .ULong(Cka.Class, Cko.SecretKey)
                .ULong(Cka.KeyType, Ckk.Aes)
                .Bool(Cka.Token, false)
                .Bool(Cka.Unwrap, true)
                .Bool(Cka.Encrypt, false)
                .Bool(Cka.Decrypt, false)
                .Bytes(Cka.Value, kek);
            var unwrappingKey = Module.CreateObject(session, template);
            try
            {
                return UnwrapCore(session, mechanism, unwrappingKey, wrapped);
            }
            finally
            {
                _ = Module.DestroyObject(session, unwrappingKey);
            }
        }
    }

    /// <summary>How many secret-key token objects carry the KEK label (to prove there is no duplicate).</summary>
    internal int CountKeysWithKeyLabelForTesting() => Run(session =>
    {
        using var template = KeyEncryptionKeySearchTemplate();
        return Module.FindObjects(session, template, 16).Length;
    });

    // ---- Internals ----

    private Pkcs11Module Module => _module ?? throw new ObjectDisposedException(nameof(Pkcs11KeyWrapper));

    private static nuint FindTokenSlot(Pkcs11Module module, string tokenLabel)
    {
        // CK_TOKEN_INFO.label is 32 bytes, blank padded: a longer label can never match.
        if (Encoding.UTF8.GetByteCount(tokenLabel) > CkTokenInfo.LabelLength)
        {
            throw new ArgumentException(
                $"Token label '{tokenLabel}' is longer than {CkTokenInfo.LabelLength} bytes.", nameof(tokenLabel));
        }

        var matches = new List<nuint>();
        foreach (var slot in module.GetSlotsWithToken())
        {
            var label = module.GetTokenLabel(slot, out var flags);
            if ((flags & Ckf.TokenInitialized) != 0 && string.Equals(label, tokenLabel.TrimEnd(' '), StringComparison.Ordinal))
            {
                matches.Add(slot);
            }
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new InvalidOperationException(
                $"No initialized PKCS#11 token labelled '{tokenLabel}' in {module.LibraryPath}."),
            _ => throw new InvalidOperationException(
                $"{matches.Count} PKCS#11 tokens are labelled '{tokenLabel}' in {module.LibraryPath}; labels must be unique."),
        };
    }

    /// <summary>Opens a R/W session and logs in if there is none. Caller holds <see cref="_lock"/>.</summary>
    private nuint EnsureSession()
    {
        var module = Module;
        if (_session != 0)
        {
            return _session;
        }

        // CKF_SERIAL_SESSION must always be set (PKCS#11 v2.40 base, C_OpenSession); R/W because the KEK is a token
        // object that EnsureKeyEncryptionKey may have to create.
        var session = module.OpenSession(_slot, Ckf.SerialSession | Ckf.RwSession);
        var rv = module.Login(session, Cku.User, _options.Pin);
        if (rv != Ckr.Ok && rv != Ckr.UserAlreadyLoggedIn)
        {
            _ = module.CloseSession(session);
            throw new Pkcs11Exception("C_Login", rv);
        }

        _session = session;
        _keyEncryptionKey = 0;
        return session;
    }

    private void DropSession()
    {
        if (_module is not null && _session != 0)
        {
            _ = _module.CloseSession(_session);
        }

        _session = 0;
        _keyEncryptionKey = 0;
    }

    /// <summary>
    /// Runs <paramref name="action"/> under the lock with a logged-in session; if the session was lost (another
    /// wrapper's <see cref="Close"/>), opens a new one and tries once more. Span-taking operations repeat this loop
    /// inline because a lambda cannot capture a span.
    /// </summary>
    private T Run<T>(Func<nuint, T> action)
    {
        lock (_lock)
        {
            for (var attempt = 0; ; attempt++)
            {
                var session = EnsureSession();
                try
                {
                    return action(session);
                }
                catch (Pkcs11Exception e) when (attempt == 0 && IsSessionLost(e))
                {
                    DropSession();
                }
            }
        }
    }

    /// <summary>The session was closed or logged out under us (another wrapper's Close on the same token).</summary>
    private static bool IsSessionLost(Pkcs11Exception e) =>
        e.ReturnValue is Ckr.SessionHandleInvalid or Ckr.SessionClosed or Ckr.UserNotLoggedIn;

    private AttributeTemplate KeyEncryptionKeySearchTemplate() => new AttributeTemplate()
        .ULong(Cka.Class, Cko.SecretKey)
        .Bool(Cka.Token, true)
        .Utf8(Cka.Label, _options.KeyLabel);

    /// <summary>Finds and checks the KEK; 0 if there is none.</summary>
    private nuint FindKeyEncryptionKey(nuint session)
    {
        if (_keyEncryptionKey != 0)
        {
            return _keyEncryptionKey;
        }

        nuint[] found;
        using (var template = KeyEncryptionKeySearchTemplate())
        {
            found = Module.FindObjects(session, template, 2);
        }

        if (found.Length == 0)
        {
            return 0;
        }

        if (found.Length > 1)
        {
            throw new InvalidOperationException(
                $"More than one secret key in token '{_options.TokenLabel}' is labelled '{_options.KeyLabel}'.");
        }

        VerifyKeyEncryptionKey(session, found[0]);
        _keyEncryptionKey = found[0];
        return found[0];
    }

    private nuint RequireKeyEncryptionKey(nuint session)
    {
        var kek = FindKeyEncryptionKey(session);
        return kek != 0
            ? kek
            : throw new InvalidOperationException(
                $"No key-encryption key labelled '{_options.KeyLabel}' in token '{_options.TokenLabel}'; " +
                "call EnsureKeyEncryptionKey first.");
    }

    /// <summary>
    /// Refuses a key with this label that could leak: readable or wrappable (CKA_SENSITIVE false or CKA_EXTRACTABLE
    /// true), usable as an encrypt/decrypt oracle (OpenSC#1913), or not an AES key (CKM_AES_KEY_WRAP_PAD needs one).
    /// </summary>
    private void VerifyKeyEncryptionKey(nuint session, nuint key)
    {
        var module = Module;
        var problems = new List<string>();
        if (module.GetULong(session, key, Cka.KeyType) != Ckk.Aes)
        {
            problems.Add("it is not an AES key");
        }

        if (!module.GetBool(session, key, Cka.Sensitive))
        {
            problems.Add("CKA_SENSITIVE is false");
        }

        if (module.GetBool(session, key, Cka.Extractable))
        {
            problems.Add("CKA_EXTRACTABLE is true");
        }

        if (module.GetBool(session, key, Cka.Encrypt) || module.GetBool(session, key, Cka.Decrypt))
        {
            problems.Add("it also allows CKA_ENCRYPT/CKA_DECRYPT");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"Refusing the existing key '{_options.KeyLabel}' in token '{_options.TokenLabel}' as key-encryption " +
                $"key: {string.Join("; ", problems)}. Create a new key with another label.");
        }
    }

    private nuint GenerateKeyEncryptionKey(nuint session)
    {
        // Every security-relevant attribute is explicit: token defaults differ (SoftHSM2 defaults CKA_SENSITIVE to
        // false). CKA_VALUE_LEN must be given to C_GenerateKey for AES (PKCS#11 v2.40 curr, AES secret key objects).
        // CKA_SENSITIVE=true and CKA_EXTRACTABLE=false are one-way: they can never be switched back (v2.40 base,
        // secret key objects), and CKA_NEVER_EXTRACTABLE / CKA_ALWAYS_SENSITIVE then stay true.
        using var template = new AttributeTemplate()
            .ULong(Cka.Class, Cko.SecretKey)
            .ULong(Cka.KeyType, Ckk.Aes)
            .ULong(Cka.ValueLen, KeyEncryptionKeyLength)
            .Bool(Cka.Token, true)
            .Bool(Cka.Private, true)
            .Bool(Cka.Sensitive, true)
            .Bool(Cka.Extractable, false)
            .Bool(Cka.Wrap, true)
            .Bool(Cka.Unwrap, true)
            .Bool(Cka.Encrypt, false)
            .Bool(Cka.Decrypt, false)
            .Utf8(Cka.Label, _options.KeyLabel);
        return Module.GenerateKey(session, Ckm.AesKeyGen, template);
    }

    /// <summary>
    /// Imports <paramref name="key"/> as a session object that may be wrapped but not read (CKA_EXTRACTABLE true,
    /// CKA_SENSITIVE false is needed only so C_WrapKey accepts it), wraps it and destroys the object.
    /// </summary>
    private byte[] WrapImported(nuint session, nuint mechanism, nuint wrappingKey, ReadOnlySpan<byte> key, nuint keyType)
    {
        var module = Module;
        nuint imported;
        using (var template = new AttributeTemplate()
            .ULong(Cka.Class, Cko.SecretKey)
            .ULong(Cka.KeyType, keyType)
            .Bool(Cka.Token, false)
            .Bool(Cka.Private, true)
            .Bool(Cka.Sensitive, false)
            .Bool(Cka.Extractable, true)
            .Bytes(Cka.Value, key))
        {
            imported = module.CreateObject(session, template);
        }

        try
        {
            return module.WrapKey(session, mechanism, wrappingKey, imported);
        }
        finally
        {
            // Best effort: a session object also disappears when its session closes.
            _ = module.DestroyObject(session, imported);
        }
    }

    private byte[] UnwrapCore(nuint session, nuint mechanism, nuint kek, ReadOnlySpan<byte> wrapped)
    {
        var module = Module;

        // CKK_GENERIC_SECRET accepts any length, and C_UnwrapKey takes the length from the unwrapped data, so no
        // CKA_VALUE_LEN. Not sensitive and extractable so that CKA_VALUE can be read back; a session object, so it
        // never reaches the token's storage.
        nuint unwrapped;
        using (var template = new AttributeTemplate()
            .ULong(Cka.Class, Cko.SecretKey)
            .ULong(Cka.KeyType, Ckk.GenericSecret)
            .Bool(Cka.Token, false)
            .Bool(Cka.Private, true)
            .Bool(Cka.Sensitive, false)
            .Bool(Cka.Extractable, true))
        {
            unwrapped = module.UnwrapKey(session, mechanism, kek, wrapped, template);
        }

        try
        {
            return module.GetAttribute(session, unwrapped, Cka.Value, wrapped.Length - WrapOverhead);
        }
        finally
        {
            _ = module.DestroyObject(session, unwrapped);
        }
    }
}
