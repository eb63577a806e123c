using Coffer.Vault.Crypto;
using Coffer.Vault.Signing;

namespace Coffer.Vault.Tests.Vault;

public sealed class RotationTests : IDisposable
{
    private readonly VaultHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task UserKeyRotation_SecretsUnderVersionsOneToThree_AllDecrypt_MinVersionRetiresOld_RewrapMovesToLatest()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        var user = Guid.NewGuid();
        var handles = new List<CredentialHandle>();
        for (var version = 1; version <= 3; version++)
        {
            if (version > 1)
            {
                Assert.Equal(version, (await vault.RotateUserKeyAsync(user, default)).CurrentVersion);
            }

            var handle = new CredentialHandle(user, Guid.NewGuid());
            await vault.StoreSecretAsync(user, handle.SecretId, VaultHarness.Utf8("secret-" + version), default);
            Assert.Equal(version, _harness.Store.Secrets[handle.SecretId].KeyVersion);
            handles.Add(handle);
        }

        var expected = handles.Select((_, i) => SecretEnvelopeTests.Hmac("secret-" + (i + 1), "m")).ToList();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], await VaultHarness.SignAsync(vault, handles[i], "m"));
        }

        await vault.SetUserMinDecryptionVersionAsync(user, 3, default);
        for (var i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<VaultException>(() => VaultHarness.SignAsync(vault, handles[i], "m"));
            Assert.Equal(VaultError.KeyVersionRetired, error.Code);
            Assert.Contains("minimum decryption version 3", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(expected[2], await VaultHarness.SignAsync(vault, handles[2], "m"));

        // Old versions are archived, not gone: lowering the minimum brings them back, then re-wrap moves them.
        await vault.SetUserMinDecryptionVersionAsync(user, 1, default);
        var ciphertextsBefore = handles.Select(h => _harness.Store.Secrets[h.SecretId].Ciphertext).ToList();
        var rewrap = await vault.RewrapUserSecretsAsync(user, default);
        Assert.Equal(2, rewrap.Rewrapped);
        for (var i = 0; i < 3; i++)
        {
            var record = _harness.Store.Secrets[handles[i].SecretId];
            Assert.Equal(3, record.KeyVersion);
            Assert.Equal(3, Envelope.ReadHeader(record.WrappedDataKey).KeyVersion);
            Assert.Equal(ciphertextsBefore[i], record.Ciphertext);
        }

        await vault.SetUserMinDecryptionVersionAsync(user, 3, default);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], await VaultHarness.SignAsync(vault, handles[i], "m"));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public async Task SetUserMinDecryptionVersion_OutOfRange_RefusedAndUnchanged(int version)
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        var user = Guid.NewGuid();
        await vault.RotateUserKeyAsync(user, default);
        await vault.RotateUserKeyAsync(user, default);

        var error = await Assert.ThrowsAsync<VaultException>(() => vault.SetUserMinDecryptionVersionAsync(user, version, default));

        Assert.Equal(VaultError.InvalidArgument, error.Code);
        Assert.Equal((3, 1), await vault.GetUserKeyVersionsAsync(user, default));
    }

    [Fact]
    public async Task RootRotation_RewrapsEveryUserKeyring_SecretsStillSign_AfterRestartToo()
    {
        var (vault, shares) = await _harness.StartUnsealedAsync();
        var handles = new List<CredentialHandle>();
        for (var i = 0; i < 4; i++)
        {
            var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
            await vault.StoreSecretAsync(handle.UserId, handle.SecretId, VaultHarness.Utf8("s" + i), default);
            handles.Add(handle);
        }

        var first = await vault.RotateRootKeyAsync(default);
        var second = await vault.RotateRootKeyAsync(default);

        Assert.Equal((2, 4), (first.CurrentVersion, first.Rewrapped));
        Assert.Equal(3, second.CurrentVersion);
        Assert.All(_harness.Store.Keyrings.Values, k => Assert.Equal(3, k.RootKeyVersion));
        Assert.All(_harness.Store.Keyrings.Values, k => Assert.Equal(3, Envelope.ReadHeader(k.Envelope).KeyVersion));
        await vault.SetRootMinDecryptionVersionAsync(3, default);

        var restarted = _harness.Start();
        await restarted.LoadAsync(default);
        await restarted.SubmitShareAsync(shares[0], default);
        await restarted.SubmitShareAsync(shares[1], default);
        Assert.Equal((3, 3), (restarted.Status.RootKeyVersion, restarted.Status.RootMinDecryptionVersion));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(SecretEnvelopeTests.Hmac("s" + i, "m"), await VaultHarness.SignAsync(restarted, handles[i], "m"));
        }
    }

    [Fact]
    public async Task RootMinDecryptionVersion_KeyringLeftUnderOldVersion_FailsClearly()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, VaultHarness.Utf8("s"), default);
        var keyringAtV1 = _harness.Store.Keyrings[handle.UserId];
        await vault.RotateRootKeyAsync(default);
        await vault.SetRootMinDecryptionVersionAsync(2, default);

        // Put back the keyring as it was before the re-wrap (for example restored from an old backup).
        _harness.Store.Keyrings[handle.UserId] = keyringAtV1;
        vault.EvictCachesForTests();

        var error = await Assert.ThrowsAsync<VaultException>(() => VaultHarness.SignAsync(vault, handle, "m"));
        Assert.Equal(VaultError.KeyVersionRetired, error.Code);
    }

    [Fact]
    public async Task RootRotation_ByAnotherNode_IsPickedUpWithoutUnsealingAgain()
    {
        var (nodeA, shares) = await _harness.StartUnsealedAsync();
        var nodeB = _harness.Start();
        await nodeB.LoadAsync(default);
        await nodeB.SubmitShareAsync(shares[0], default);
        await nodeB.SubmitShareAsync(shares[2], default);
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await nodeA.StoreSecretAsync(handle.UserId, handle.SecretId, VaultHarness.Utf8("s"), default);

        await nodeA.RotateRootKeyAsync(default);

        Assert.Equal(SecretEnvelopeTests.Hmac("s", "m"), await VaultHarness.SignAsync(nodeB, handle, "m"));
        Assert.Equal(2, nodeB.Status.RootKeyVersion);
    }

    [Fact]
    public async Task Rotate_WhileSealed_Refused()
    {
        var vault = _harness.Start();
        await vault.InitializeAsync(3, 2, default);

        var error = await Assert.ThrowsAsync<VaultException>(() => vault.RotateRootKeyAsync(default));

        Assert.Equal(VaultError.Sealed, error.Code);
    }
}
