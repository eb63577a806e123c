using Coffer.Vault.Crypto;
using Coffer.Vault.Signing;

namespace Coffer.Vault.Tests.Vault;

public sealed class SealAndUnsealTests : IDisposable
{
    private readonly VaultHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Initialize_Shamir_ReturnsSharesAndStaysSealed()
    {
        var vault = _harness.Start();

        var init = await vault.InitializeAsync(5, 3, default);

        Assert.Equal(5, init.Shares!.Count);
        Assert.Equal(5, init.Shares.Distinct().Count());
        Assert.True(vault.IsSealed);
        Assert.True(vault.Status.Initialized);
        Assert.Equal(3, vault.Status.Threshold);
        Assert.Equal(UnsealShare.SetIdLength, _harness.Store.State!.ProviderData!.Length);
    }

    [Fact]
    public async Task Initialize_Twice_Refused()
    {
        var vault = _harness.Start();
        await vault.InitializeAsync(3, 2, default);

        var error = await Assert.ThrowsAsync<VaultException>(() => vault.InitializeAsync(3, 2, default));

        Assert.Equal(VaultError.AlreadyInitialized, error.Code);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(17, 3)]
    [InlineData(3, 4)]
    [InlineData(3, 1)]
    [InlineData(3, 0)]
    public async Task Initialize_BadShareParameters_RefusedAndNothingStored(int shares, int threshold)
    {
        var vault = _harness.Start();

        var error = await Assert.ThrowsAsync<VaultException>(() => vault.InitializeAsync(shares, threshold, default));

        Assert.Equal(VaultError.InvalidArgument, error.Code);
        Assert.Null(_harness.Store.State);
    }

    [Fact]
    public async Task Unseal_EveryThresholdSubsetOfShares_Unseals()
    {
        var first = _harness.Start();
        var shares = (await first.InitializeAsync(5, 3, default)).Shares!;
        var subsets = 0;
        for (var a = 0; a < 5; a++)
        {
            for (var b = a + 1; b < 5; b++)
            {
                for (var c = b + 1; c < 5; c++)
                {
                    var vault = _harness.Start();
                    await vault.LoadAsync(default);
                    Assert.True(vault.IsSealed);
                    await vault.SubmitShareAsync(shares[c], default);
                    await vault.SubmitShareAsync(shares[a], default);
                    Assert.True(vault.IsSealed);
                    var status = await vault.SubmitShareAsync(shares[b], default);
                    Assert.False(status.Sealed);
                    subsets++;
                }
            }
        }

        Assert.Equal(10, subsets);
    }

    [Fact]
    public async Task Unseal_OneShareLessThanThreshold_StaysSealed()
    {
        var vault = _harness.Start();
        var shares = (await vault.InitializeAsync(5, 3, default)).Shares!;

        await vault.SubmitShareAsync(shares[3], default);
        var status = await vault.SubmitShareAsync(shares[1], default);

        Assert.True(status.Sealed);
        Assert.Equal(2, status.UnsealProgress);
        await Assert.ThrowsAsync<VaultException>(() => VaultHarness.SignAsync(vault, new CredentialHandle(Guid.NewGuid(), Guid.NewGuid()), "x"));
    }

    [Fact]
    public async Task Unseal_SameShareTwice_DoesNotCountTwice()
    {
        var vault = _harness.Start();
        var shares = (await vault.InitializeAsync(3, 2, default)).Shares!;
        await vault.SubmitShareAsync(shares[0], default);

        var error = await Assert.ThrowsAsync<VaultException>(() => vault.SubmitShareAsync(shares[0], default));

        Assert.Equal(VaultError.InvalidShare, error.Code);
        Assert.Contains("does not count twice", error.Message, StringComparison.Ordinal);
        Assert.True(vault.IsSealed);
        Assert.Equal(1, vault.Status.UnsealProgress);
        await vault.SubmitShareAsync(shares[2], default);
        Assert.False(vault.IsSealed);
    }

    [Fact]
    public async Task Unseal_CorruptedShare_RejectedClearlyAndProgressKept()
    {
        var vault = _harness.Start();
        var shares = (await vault.InitializeAsync(3, 2, default)).Shares!;
        await vault.SubmitShareAsync(shares[0], default);
        var chars = shares[1].ToCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        var corrupted = new string(chars);

        var error = await Assert.ThrowsAsync<VaultException>(() => vault.SubmitShareAsync(corrupted, default));

        Assert.Equal(VaultError.InvalidShare, error.Code);
        Assert.Contains("checksum", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(corrupted, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, vault.Status.UnsealProgress);
    }

    [Fact]
    public async Task Unseal_ShareOfAnotherVault_Rejected()
    {
        using var other = new VaultHarness();
        var foreign = (await other.Start().InitializeAsync(3, 2, default)).Shares!;
        var vault = _harness.Start();
        await vault.InitializeAsync(3, 2, default);

        var error = await Assert.ThrowsAsync<VaultException>(() => vault.SubmitShareAsync(foreign[0], default));

        Assert.Equal(VaultError.InvalidShare, error.Code);
        Assert.Equal(0, vault.Status.UnsealProgress);
    }

    [Fact]
    public async Task Unseal_ForgedShareWithValidChecksum_FailsAndDiscardsAttempt()
    {
        var vault = _harness.Start();
        var shares = (await vault.InitializeAsync(3, 2, default)).Shares!;
        using var genuine = UnsealShare.Parse(shares[0]);
        var forgedY = genuine.Y.ToArray();
        forgedY[0] ^= 0x01;
        using var forged = new UnsealShare(genuine.SetId, genuine.Threshold, 3, forgedY);
        await vault.SubmitShareAsync(shares[0], default);

        var error = await Assert.ThrowsAsync<VaultException>(() => vault.SubmitShareAsync(forged.Encode(), default));

        Assert.Equal(VaultError.UnsealFailed, error.Code);
        Assert.True(vault.IsSealed);
        Assert.Equal(0, vault.Status.UnsealProgress);
    }

    [Fact]
    public async Task Restart_Shamir_ComesUpSealed()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        Assert.False(vault.IsSealed);

        var restarted = _harness.Start();
        await restarted.LoadAsync(default);

        Assert.True(restarted.Status.Initialized);
        Assert.True(restarted.IsSealed);
    }

    [Fact]
    public async Task Unseal_NodeLoadedBeforeAnotherNodeRanInit_FindsTheStateAndUnseals()
    {
        var early = _harness.Start();
        await early.LoadAsync(default);
        Assert.False(early.Status.Initialized);
        var init = await _harness.Start().InitializeAsync(3, 2, default);

        foreach (var share in init.Shares!.Take(2))
        {
            await early.SubmitShareAsync(share, default);
        }

        Assert.False(early.IsSealed);
        Assert.True(early.Status.Initialized);
    }

    [Fact]
    public async Task Restart_FileProvider_ComesUpUnsealed()
    {
        var vault = _harness.Start(KeyProviderKind.File);
        var init = await vault.InitializeAsync(0, 0, default);
        Assert.Null(init.Shares);
        Assert.False(vault.IsSealed);

        var restarted = _harness.Start(KeyProviderKind.File);
        await restarted.LoadAsync(default);

        Assert.False(restarted.IsSealed);
    }

    [Fact]
    public async Task Load_ConfiguredProviderDiffersFromInit_Refused()
    {
        await _harness.Start(KeyProviderKind.File).InitializeAsync(0, 0, default);

        var error = await Assert.ThrowsAsync<VaultException>(() => _harness.Start(KeyProviderKind.Shamir).LoadAsync(default));

        Assert.Equal(VaultError.ProviderFailure, error.Code);
    }

    [Fact]
    public async Task Seal_ZeroesEveryKeyAndRefusesSigning()
    {
        var (vault, shares) = await _harness.StartUnsealedAsync();
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, VaultHarness.Utf8("exchange-secret"), default);
        await VaultHarness.SignAsync(vault, handle, "message");
        var material = vault.KeyMaterialForTests().ToList();
        Assert.True(material.Count >= 2);
        Assert.All(material, key => Assert.Contains(key, b => b != 0));

        await vault.SealAsync(default);

        Assert.True(vault.IsSealed);
        Assert.All(material, key => Assert.All(key, b => Assert.Equal(0, b)));
        var error = await Assert.ThrowsAsync<VaultException>(() => VaultHarness.SignAsync(vault, handle, "message"));
        Assert.Equal(VaultError.Sealed, error.Code);

        await vault.SubmitShareAsync(shares[1], default);
        await vault.SubmitShareAsync(shares[2], default);
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("exchange-secret"u8, "message"u8)),
            await VaultHarness.SignAsync(vault, handle, "message"));
    }

    [Fact]
    public async Task PurgeExpired_CachedKeysPastTheirTtl_AreZeroedEvenIfNeverUsedAgain()
    {
        var (vault, _) = await _harness.StartUnsealedAsync();
        var handle = new CredentialHandle(Guid.NewGuid(), Guid.NewGuid());
        await vault.StoreSecretAsync(handle.UserId, handle.SecretId, VaultHarness.Utf8("exchange-secret"), default);
        await VaultHarness.SignAsync(vault, handle, "message");
        var before = vault.KeyMaterialForTests().ToList();

        _harness.Time.Advance(TimeSpan.FromMinutes(4));
        vault.PurgeExpired();
        Assert.Equal(before.Count, vault.KeyMaterialForTests().Count());

        _harness.Time.Advance(TimeSpan.FromMinutes(2));
        vault.PurgeExpired();
        _harness.Time.Advance(TimeSpan.FromMinutes(1));
        vault.PurgeExpired();

        // Only the unseal key and the root keyring remain; the user keyring and the secret's halves are zero.
        var remaining = vault.KeyMaterialForTests().ToList();
        Assert.True(remaining.Count < before.Count);
        Assert.All(before.Except(remaining), key => Assert.All(key, b => Assert.Equal(0, b)));
        Assert.Equal(SecretEnvelopeTests.Hmac("exchange-secret", "message"), await VaultHarness.SignAsync(vault, handle, "message"));
    }

    [Fact]
    public async Task Unseal_ProgressOlderThanTtl_IsDiscarded()
    {
        var vault = _harness.Start();
        var shares = (await vault.InitializeAsync(3, 3, default)).Shares!;
        await vault.SubmitShareAsync(shares[0], default);
        await vault.SubmitShareAsync(shares[1], default);

        _harness.Time.Advance(TimeSpan.FromMinutes(11));
        var status = await vault.SubmitShareAsync(shares[2], default);

        Assert.True(status.Sealed);
        Assert.Equal(1, status.UnsealProgress);
    }

    [Fact]
    public async Task ResetUnseal_DiscardsShares()
    {
        var vault = _harness.Start();
        var shares = (await vault.InitializeAsync(3, 2, default)).Shares!;
        await vault.SubmitShareAsync(shares[0], default);

        await vault.ResetUnsealAsync(default);

        Assert.Equal(0, vault.Status.UnsealProgress);
        await vault.SubmitShareAsync(shares[0], default);
        Assert.True(vault.IsSealed);
    }
}
