using System.Security.Cryptography;
using Coffer.Vault.Crypto;
using Coffer.Vault.KeyProviders;
using Coffer.Vault.Storage;

namespace Coffer.Vault;

/// <summary>
/// The vault: seal state, the key hierarchy (unseal key → root keyring → user keyrings → data keys → secrets) and the
/// signing oracle. Secret bytes are decrypted only inside this assembly, only for the moment they are used, and zeroed
/// afterwards. While sealed it holds no key material at all.
/// </summary>
internal sealed partial class CofferVault : IDisposable
{
    private readonly IVaultStore _store;
    private readonly VaultOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<IUnsealKeyWrapper>? _hsmFactory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private VaultStateRecord? _state;
    private volatile UnsealedKeys? _keys;
    private UnsealProgress? _progress;
    private DateTimeOffset _progressStarted;
    private IUnsealKeyWrapper? _hsm;
    private readonly ITimer _sweeper;
    private readonly System.Diagnostics.Metrics.Counter<long>? _operations;

    public CofferVault(IVaultStore store, VaultOptions options, TimeProvider time, Func<IUnsealKeyWrapper>? hsmFactory = null)
    {
        _store = store;
        _options = options;
        _time = time;
        _hsmFactory = hsmFactory;
        _operations = options.Meter?.CreateCounter<long>("coffer_vault_operations", description: "Vault operations by kind (sign, decrypt, encrypt, delete, seal, rotate_root, rotate_user) and outcome (ok, error).");
        var sweep = options.KeyCacheTtl < TimeSpan.FromSeconds(30) ? options.KeyCacheTtl : TimeSpan.FromSeconds(30);
        _sweeper = time.CreateTimer(_ => PurgeExpired(), null, sweep, sweep);
        if (options.Provider == KeyProviderKind.Pkcs11 && hsmFactory is null)
        {
            throw new ArgumentException("The pkcs11 key provider needs an HSM.", nameof(hsmFactory));
        }

        if (options.Provider == KeyProviderKind.File && string.IsNullOrEmpty(options.DevKeyFile))
        {
            throw new ArgumentException("The file key provider needs a key file path.", nameof(options));
        }
    }

    public bool IsSealed => _keys is null;

    public VaultStatus Status
    {
        get
        {
            var state = _state;
            var keys = _keys;
            return new VaultStatus(
                Initialized: state is not null,
                Sealed: keys is null,
                Provider: state?.Provider ?? _options.Provider,
                Shares: state?.Shares ?? 0,
                Threshold: state?.Threshold ?? 0,
                UnsealProgress: keys is null ? _progress?.Provided ?? 0 : 0,
                RootKeyVersion: keys?.Root.CurrentVersion,
                RootMinDecryptionVersion: keys?.Root.MinDecryptionVersion);
        }
    }

    /// <summary>Reads the stored state at start-up and, for providers that can, unseals without an operator.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _state = await _store.LoadStateAsync(cancellationToken);
            if (_state is null)
            {
                return;
            }

            if (_state.Provider != _options.Provider)
            {
                throw new VaultException(
                    VaultError.ProviderFailure,
                    $"This vault was initialized with the {Names.Of(_state.Provider)} key provider but is configured for {Names.Of(_options.Provider)}. "
                    + "Configure the provider it was initialized with.");
            }

            if (_keys is null && _state.Provider != KeyProviderKind.Shamir)
            {
                var unsealKey = RecoverUnsealKey(_state);
                Unlock(_state, unsealKey);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Whether the vault is initialized, reading the store again while this node has not seen an init: another node on
    /// the same database may have run it after this one loaded.
    /// </summary>
    public async Task<bool> RefreshInitializedAsync(CancellationToken cancellationToken)
    {
        if (_state is not null)
        {
            return true;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            _state ??= await _store.LoadStateAsync(cancellationToken);
            return _state is not null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Creates the unseal key and the first root key. For Shamir the shares are returned once and never stored, and the
    /// vault stays sealed until they are given back; the other providers come up unsealed.
    /// </summary>
    public async Task<VaultInitResult> InitializeAsync(int shares, int threshold, CancellationToken cancellationToken)
    {
        if (_options.Provider == KeyProviderKind.Shamir)
        {
            ValidateShareParameters(shares, threshold);
        }
        else
        {
            (shares, threshold) = (0, 0);
        }

        await _gate.WaitAsync(cancellationToken);
        var unsealKey = GC.AllocateArray<byte>(Envelope.KeySize, pinned: true);
        string? pendingKeyFile = null;
        try
        {
            _state ??= await _store.LoadStateAsync(cancellationToken);
            if (_state is not null)
            {
                throw new VaultException(VaultError.AlreadyInitialized, "The vault is already initialized.");
            }

            RandomNumberGenerator.Fill(unsealKey);
            var installId = Guid.NewGuid();
            byte[] rootKeyring;
            using (var ring = KeyRing.CreateNew())
            {
                rootKeyring = SealRootKeyring(installId, unsealKey, ring);
            }

            IReadOnlyList<string>? shareTexts = null;
            byte[]? providerData = null;
            switch (_options.Provider)
            {
                case KeyProviderKind.Shamir:
                    shareTexts = UnsealShare.SplitToText(unsealKey, shares, threshold);
                    using (var first = UnsealShare.Parse(shareTexts[0]))
                    {
                        providerData = first.SetId.ToArray();
                    }

                    break;
                case KeyProviderKind.Pkcs11:
                    var hsm = Hsm();
                    hsm.EnsureKeyEncryptionKey();
                    providerData = hsm.Wrap(unsealKey);
                    break;
                case KeyProviderKind.File:
                    pendingKeyFile = DevKeyFile.WritePending(_options.DevKeyFile!, unsealKey);
                    break;
                default:
                    throw new InvalidOperationException("Unknown key provider.");
            }

            var state = new VaultStateRecord(installId, _options.Provider, shares, threshold, rootKeyring, providerData, _time.GetUtcNow());
            await _store.CreateStateAsync(state, cancellationToken);
            if (pendingKeyFile is not null)
            {
                DevKeyFile.Commit(pendingKeyFile, _options.DevKeyFile!);
                pendingKeyFile = null;
            }

            _state = state;
            if (_options.Provider != KeyProviderKind.Shamir)
            {
                Unlock(state, unsealKey);
                unsealKey = null;
            }

            return new VaultInitResult(shareTexts, installId);
        }
        finally
        {
            if (pendingKeyFile is not null)
            {
                File.Delete(pendingKeyFile);
            }

            if (unsealKey is not null)
            {
                CryptographicOperations.ZeroMemory(unsealKey);
            }

            _gate.Release();
        }
    }

    /// <summary>
    /// Takes one Shamir share. Shares accumulate in memory only; when the threshold is reached they are combined and
    /// the combined key must open the root keyring, otherwise the attempt is discarded.
    /// </summary>
    public async Task<VaultStatus> SubmitShareAsync(string shareText, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Another node on the same database may have run init after this one loaded: look again before refusing.
            _state ??= await _store.LoadStateAsync(cancellationToken);
            var state = _state ?? throw new VaultException(VaultError.NotInitialized, "The vault is not initialized; run init first.");
            if (state.Provider != KeyProviderKind.Shamir)
            {
                throw new VaultException(VaultError.InvalidArgument, $"The {Names.Of(state.Provider)} key provider unseals itself; it takes no shares.");
            }

            if (_keys is not null)
            {
                throw new VaultException(VaultError.AlreadyUnsealed, "The vault is already unsealed.");
            }

            using var share = ParseShare(shareText);

            if (state.ProviderData is null || !CryptographicOperations.FixedTimeEquals(share.SetId, state.ProviderData) || share.Threshold != state.Threshold)
            {
                throw new VaultException(VaultError.InvalidShare, "This share belongs to another Coffer vault or another init; it was not counted.");
            }

            if (_progress is not null && _time.GetUtcNow() - _progressStarted > _options.UnsealProgressTtl)
            {
                ResetProgress();
            }

            if (_progress is null)
            {
                _progress = new UnsealProgress();
                _progressStarted = _time.GetUtcNow();
            }

            switch (_progress.Add(share))
            {
                case UnsealAddResult.Accepted:
                    break;
                case UnsealAddResult.Duplicate:
                    throw new VaultException(VaultError.InvalidShare, "This share was already given in this unseal attempt; it does not count twice.");
                case UnsealAddResult.Conflict:
                    ResetProgress();
                    throw new VaultException(VaultError.InvalidShare, "A different share with the same number was already given, so one of them is not genuine. The attempt was discarded; start again with genuine shares.");
                default:
                    throw new VaultException(VaultError.InvalidShare, "This share belongs to another init than the shares already given; it was not counted.");
            }

            if (_progress.IsComplete)
            {
                var unsealKey = _progress.Combine();
                ResetProgress();
                try
                {
                    Unlock(state, unsealKey);
                }
                catch (VaultException ex) when (ex.Code == VaultError.IntegrityFailure)
                {
                    CryptographicOperations.ZeroMemory(unsealKey);
                    throw new VaultException(VaultError.UnsealFailed, "The shares do not open this vault. The attempt was discarded; start again with genuine shares.", ex);
                }
            }

            return Status;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Discards the shares given so far.</summary>
    public async Task ResetUnsealAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ResetProgress();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Throws every key out of memory. Only an unseal (or, for auto-unseal providers, a restart) brings them back.</summary>
    public async Task SealAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            SealNow();
            Count("seal", ok: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Counts one operation; the labels are the operation's kind and outcome only, never a user or secret id.</summary>
    private void Count(string operation, bool ok) =>
        _operations?.Add(1, new KeyValuePair<string, object?>("op", operation), new KeyValuePair<string, object?>("outcome", ok ? "ok" : "error"));

    /// <summary>Zeroes cached keys whose time is up (run by a timer; callable directly by tests).</summary>
    internal void PurgeExpired() => _keys?.PurgeExpired(_time.GetUtcNow());

    public void Dispose()
    {
        _sweeper.Dispose();
        SealNow();
        _hsm?.Dispose();
        _hsm = null;
        _gate.Dispose();
    }

    private void SealNow()
    {
        var keys = _keys;
        _keys = null;
        keys?.Dispose();
        ResetProgress();
        _hsm?.Close();
    }

    private void ResetProgress()
    {
        _progress?.Reset();
        _progress = null;
    }

    private static UnsealShare ParseShare(string text)
    {
        try
        {
            return UnsealShare.Parse(text);
        }
        catch (InvalidShareException ex)
        {
            throw new VaultException(VaultError.InvalidShare, ex.Message, ex);
        }
    }

    private static void ValidateShareParameters(int shares, int threshold)
    {
        if (shares is < 1 or > 16)
        {
            throw new VaultException(VaultError.InvalidArgument, $"shares must be between 1 and 16; {shares} is not.");
        }

        if (threshold < 1 || threshold > shares)
        {
            throw new VaultException(VaultError.InvalidArgument, $"threshold must be between 1 and shares ({shares}); {threshold} is not.");
        }

        if (shares > 1 && threshold < 2)
        {
            throw new VaultException(VaultError.InvalidArgument, "threshold must be at least 2 when there is more than one share; otherwise every share alone unseals.");
        }
    }

    private byte[] RecoverUnsealKey(VaultStateRecord state)
    {
        try
        {
            return state.Provider switch
            {
                KeyProviderKind.Pkcs11 => Hsm().Unwrap(state.ProviderData ?? throw new VaultException(VaultError.ProviderFailure, "The HSM-wrapped unseal key is missing from the vault state.")),
                KeyProviderKind.File => DevKeyFile.Read(_options.DevKeyFile!),
                _ => throw new InvalidOperationException("Shamir keys are never recovered without shares."),
            };
        }
        catch (Exception ex) when (ex is not VaultException and (IOException or UnauthorizedAccessException or CryptographicException or FormatException))
        {
            throw new VaultException(VaultError.ProviderFailure, $"The {Names.Of(state.Provider)} key provider could not recover the unseal key: {ex.Message}", ex);
        }
    }

    private IUnsealKeyWrapper Hsm() => _hsm ??= _hsmFactory!();

    /// <summary>Opens the root keyring with the unseal key and makes the vault unsealed. Takes ownership of the key.</summary>
    private void Unlock(VaultStateRecord state, byte[] unsealKey)
    {
        KeyRing root;
        try
        {
            root = OpenRootKeyring(state.InstallId, unsealKey, state.RootKeyring);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(unsealKey);
            throw;
        }

        _keys = new UnsealedKeys(unsealKey, root);
    }

    private static byte[] SealRootKeyring(Guid installId, byte[] unsealKey, KeyRing ring)
    {
        var plain = ring.Serialize();
        try
        {
            return Envelope.Seal(EnvelopeKind.RootKeyring, installId, 1, unsealKey, plain, EnvelopeContext.RootKeyring(installId));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static KeyRing OpenRootKeyring(Guid installId, byte[] unsealKey, byte[] envelope)
    {
        var plain = Envelope.Open(envelope, EnvelopeKind.RootKeyring, installId, unsealKey, EnvelopeContext.RootKeyring(installId));
        try
        {
            return KeyRing.Deserialize(plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Every key array held right now (empty while sealed). For tests that prove sealing zeroes them.</summary>
    internal IEnumerable<byte[]> KeyMaterialForTests() => _keys?.KeyMaterial() ?? [];

    /// <summary>Forgets cached user keyrings and data keys, so the next use reads the store again. For tests.</summary>
    internal void EvictCachesForTests()
    {
        if (_keys is { } keys)
        {
            foreach (var user in keys.Users.Keys)
            {
                keys.EvictUser(user, _time.GetUtcNow());
            }

            foreach (var handle in keys.Secrets.Keys)
            {
                if (keys.Secrets.TryRemove(handle, out var entry))
                {
                    entry.Dispose();
                }
            }
        }
    }

    private UnsealedKeys Keys() => _keys ?? throw new VaultException(VaultError.Sealed, "The vault is sealed. Unseal it with a quorum of shares.");
}
