using Coffer.Vault.Crypto;
using Coffer.Vault.Signing;

namespace Coffer.Vault.Tests.Vault;

public sealed class SecretEnvelopeTests : IDisposable
{
    private readonly VaultHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task StoreSecret_StoresNoPlaintext_AndEnvelopesDescribeThemselves()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        var user = Guid.NewGuid();
        var secretId = Guid.NewGuid();

        var version = await vault.StoreSecretAsync(user, secretId, VaultHarness.Utf8("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP"), default);

        var record = _harness.Store.Secrets[secretId];
        Assert.Equal(1, version);
        var secretHeader = Envelope.ReadHeader(record.Ciphertext);
        Assert.Equal((EnvelopeKind.Secret, secretId, 1), (secretHeader.Kind, secretHeader.KeyId, secretHeader.KeyVersion));
        var keyHeader = Envelope.ReadHeader(record.WrappedDataKey);
        Assert.Equal((EnvelopeKind.DataKey, user, 1), (keyHeader.Kind, keyHeader.KeyId, keyHeader.KeyVersion));
        Assert.Equal(Envelope.FormatVersion, record.Ciphertext[0]);
        Assert.Equal(Envelope.AlgorithmAes256Gcm, record.Ciphertext[1]);
        Assert.DoesNotContain("NhqPtmdS", System.Text.Encoding.Latin1.GetString(record.Ciphertext), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreSecret_Replace_RaisesVersionAndNewValueSigns()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, VaultHarness.Utf8("old"), default);
        await VaultHarness.SignAsync(vault, handle, "m");

        var version = await vault.StoreSecretAsync(handle.UserId, handle.SecretId, VaultHarness.Utf8("new"), default);

        Assert.Equal(2, version);
        Assert.Equal(Hmac("new", "m"), await VaultHarness.SignAsync(vault, handle, "m"));
    }

    [Fact]
    public async Task Sign_AnyFlippedBitInStoredCiphertextOrDataKey_FailsClosed()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, VaultHarness.Utf8("0123456789abcdef"), default);
        var original = _harness.Store.Secrets[handle.SecretId];

        var failures = 0;
        foreach (var field in new[] { "ciphertext", "datakey" })
        {
            var bytes = field == "ciphertext" ? original.Ciphertext : original.WrappedDataKey;
            for (var bit = 0; bit < bytes.Length * 8; bit++)
            {
                var tampered = (byte[])bytes.Clone();
                tampered[bit / 8] ^= (byte)(1 << (bit % 8));
                _harness.Store.Secrets[handle.SecretId] = field == "ciphertext" ? original with { Ciphertext = tampered } : original with { WrappedDataKey = tampered };
                EvictCache(vault);

                var error = await Assert.ThrowsAsync<VaultException>(() => VaultHarness.SignAsync(vault, handle, "m"));
                Assert.Contains(error.Code, new[] { VaultError.IntegrityFailure, VaultError.UnknownKeyVersion });
                failures++;
            }
        }

        Assert.Equal((original.Ciphertext.Length + original.WrappedDataKey.Length) * 8, failures);
        _harness.Store.Secrets[handle.SecretId] = original;
        EvictCache(vault);
        Assert.Equal(Hmac("0123456789abcdef", "m"), await VaultHarness.SignAsync(vault, handle, "m"));
    }

    [Fact]
    public async Task Sign_CiphertextMovedToAnotherSecretOrUser_FailsClosed()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        var user = Guid.NewGuid();
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        await vault.StoreSecretAsync(user, a, VaultHarness.Utf8("secret-a"), default);
        await vault.StoreSecretAsync(user, b, VaultHarness.Utf8("secret-b"), default);
        var recordA = _harness.Store.Secrets[a];
        var recordB = _harness.Store.Secrets[b];

        // B's row now carries A's envelopes: the AAD names secret A, so opening them as B fails.
        _harness.Store.Secrets[b] = recordB with { Ciphertext = recordA.Ciphertext, WrappedDataKey = recordA.WrappedDataKey };
        await AssertFailsAsync(vault, new CredentialHandle(user, b), VaultError.IntegrityFailure);

        // Only the data key swapped: B's ciphertext under A's data key.
        _harness.Store.Secrets[b] = recordB with { WrappedDataKey = recordA.WrappedDataKey };
        await AssertFailsAsync(vault, new CredentialHandle(user, b), VaultError.IntegrityFailure);

        // Another user's row holding A's envelopes.
        var other = Guid.NewGuid();
        await vault.StoreSecretAsync(other, Guid.NewGuid(), VaultHarness.Utf8("x"), default);
        _harness.Store.Secrets[a] = recordA with { UserId = other };
        await AssertFailsAsync(vault, new CredentialHandle(other, a), VaultError.IntegrityFailure);

        // A secret version that does not match the one bound into the envelopes.
        _harness.Store.Secrets[a] = recordA with { Version = 2 };
        await AssertFailsAsync(vault, new CredentialHandle(user, a), VaultError.IntegrityFailure);

        _harness.Store.Secrets[a] = recordA;
        EvictCache(vault);
        Assert.Equal(Hmac("secret-a", "m"), await VaultHarness.SignAsync(vault, new CredentialHandle(user, a), "m"));
    }

    [Fact]
    public async Task Sign_UnknownSecret_NotFound()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();

        await AssertFailsAsync(vault, new CredentialHandle(Guid.NewGuid(), Guid.NewGuid()), VaultError.SecretNotFound);
    }

    [Fact]
    public async Task StoreSecret_EmptyOrHuge_Refused()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();

        await Assert.ThrowsAsync<VaultException>(() => vault.StoreSecretAsync(Guid.NewGuid(), Guid.NewGuid(), ReadOnlyMemory<byte>.Empty, default));
        await Assert.ThrowsAsync<VaultException>(() => vault.StoreSecretAsync(Guid.NewGuid(), Guid.NewGuid(), new byte[CofferVault.MaxSecretBytes + 1], default));
        Assert.Empty(_harness.Store.Secrets);
    }

    [Fact]
    public async Task DeleteUserKey_CryptoShredsEverySecretOfThatUserOnly()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        var user = Guid.NewGuid();
        var other = Guid.NewGuid();
        var secrets = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in secrets)
        {
            await vault.StoreSecretAsync(user, id, VaultHarness.Utf8("s" + id), default);
            await VaultHarness.SignAsync(vault, new CredentialHandle(user, id), "m");
        }

        var kept = Guid.NewGuid();
        await vault.StoreSecretAsync(other, kept, VaultHarness.Utf8("kept"), default);
        var ciphertexts = secrets.Select(id => _harness.Store.Secrets[id]).ToList();

        await vault.DeleteUserKeyAsync(user, default);

        foreach (var id in secrets)
        {
            await AssertFailsAsync(vault, new CredentialHandle(user, id), VaultError.SecretNotFound);
        }

        // Even a surviving copy of the ciphertext (a backup, say) cannot be opened: the user key is gone for good.
        _harness.Store.Secrets[secrets[0]] = ciphertexts[0];
        await AssertFailsAsync(vault, new CredentialHandle(user, secrets[0]), VaultError.SecretNotFound);
        Assert.False(_harness.Store.Keyrings.ContainsKey(user));
        Assert.Equal(Hmac("kept", "m"), await VaultHarness.SignAsync(vault, new CredentialHandle(other, kept), "m"));
    }

    internal static string Hmac(string key, string message) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(message)));

    private static async Task AssertFailsAsync(CofferVault vault, CredentialHandle handle, VaultError expected)
    {
        EvictCache(vault);
        var error = await Assert.ThrowsAsync<VaultException>(() => VaultHarness.SignAsync(vault, handle, "m"));
        Assert.Equal(expected, error.Code);
    }

    private static void EvictCache(CofferVault vault) => vault.EvictCachesForTests();
}
