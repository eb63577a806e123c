using System.Security.Cryptography;
using Coffer.Vault.Pkcs11;

namespace Coffer.Vault.Tests.Pkcs11;

[Collection(SoftHsmTestGroup.Name)]
public sealed class Pkcs11KeyWrapperTests(SoftHsmFixture hsm)
{
    [Fact]
    public void WrapUnwrap_Random32ByteKey_RoundTrips()
    {
        using var wrapper = Pkcs11KeyWrapper.Open(hsm.Options());
        wrapper.EnsureKeyEncryptionKey();
        var key = RandomNumberGenerator.GetBytes(32);

        var wrapped = wrapper.Wrap(key);

        Assert.Equal(40, wrapped.Length); // RFC 5649: 32 bytes of key data + one 8-byte integrity block
        Assert.DoesNotContain(Convert.ToHexString(key), Convert.ToHexString(wrapped), StringComparison.Ordinal);
        Assert.Equal(key, wrapper.Unwrap(wrapped));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(64)]
    public void WrapUnwrap_KeyOfMultipleOf8Bytes_RoundTrips(int length)
    {
        using var wrapper = Pkcs11KeyWrapper.Open(hsm.Options());
        wrapper.EnsureKeyEncryptionKey();
        var key = RandomNumberGenerator.GetBytes(length);

        var wrapped = wrapper.Wrap(key);

        Assert.Equal(length + 8, wrapped.Length);
        Assert.Equal(key, wrapper.Unwrap(wrapped));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    public void Wrap_KeyLengthNotMultipleOf8_ThrowsArgument(int length)
    {
        // SoftHSM2 2.6.1 would zero-pad such a key and unwrap it longer than it was (KeyWrapKnownAnswerTests).
        using var wrapper = Pkcs11KeyWrapper.Open(hsm.Options());
        wrapper.EnsureKeyEncryptionKey();

        Assert.Throws<ArgumentException>(() => wrapper.Wrap(new byte[length]));
    }

    [Theory]
    [InlineData(0)] // the RFC 5649 alternative IV / length block
    [InlineData(20)]
    [InlineData(39)]
    public void Unwrap_FlippedBit_ThrowsPkcs11Exception(int byteIndex)
    {
        using var wrapper = Pkcs11KeyWrapper.Open(hsm.Options());
        wrapper.EnsureKeyEncryptionKey();
        var wrapped = wrapper.Wrap(RandomNumberGenerator.GetBytes(32));

        wrapped[byteIndex] ^= 0x01;

        Assert.Throws<Pkcs11Exception>(() => wrapper.Unwrap(wrapped));
    }

    [Fact]
    public void Unwrap_BlobFromAnotherKek_ThrowsPkcs11Exception()
    {
        using var first = Pkcs11KeyWrapper.Open(hsm.Options());
        first.EnsureKeyEncryptionKey();
        using var second = Pkcs11KeyWrapper.Open(hsm.Options());
        second.EnsureKeyEncryptionKey();

        var wrapped = first.Wrap(RandomNumberGenerator.GetBytes(32));

        Assert.Throws<Pkcs11Exception>(() => second.Unwrap(wrapped));
    }

    [Fact]
    public void Unwrap_SecondWrapperAfterRestart_RecoversKey()
    {
        var options = hsm.Options();
        var key = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped;
        using (var before = Pkcs11KeyWrapper.Open(options))
        {
            before.EnsureKeyEncryptionKey();
            wrapped = before.Wrap(key);
        }

        using var after = Pkcs11KeyWrapper.Open(options);
        after.EnsureKeyEncryptionKey();

        Assert.Equal(key, after.Unwrap(wrapped));
        Assert.Equal(1, after.CountKeysWithKeyLabelForTesting());
    }

    [Fact]
    public void WrapUnwrap_AfterClose_LogsInAgain()
    {
        using var wrapper = Pkcs11KeyWrapper.Open(hsm.Options());
        wrapper.EnsureKeyEncryptionKey();
        var key = RandomNumberGenerator.GetBytes(32);
        var wrapped = wrapper.Wrap(key);

        wrapper.Close();

        Assert.Equal(key, wrapper.Unwrap(wrapped));
        wrapper.Close();
        Assert.Equal(key, wrapper.Unwrap(wrapper.Wrap(key)));
    }

    [Fact]
    public void Close_OnOtherWrapperOfSameToken_ThisWrapperReopensSession()
    {
        // C_CloseAllSessions ends every session of the process on the token, including this wrapper's.
        using var wrapper = Pkcs11KeyWrapper.Open(hsm.Options());
        wrapper.EnsureKeyEncryptionKey();
        var key = RandomNumberGenerator.GetBytes(32);
        var wrapped = wrapper.Wrap(key);
        using (var sealer = Pkcs11KeyWrapper.Open(hsm.Options()))
        {
            sealer.Close();
        }

        Assert.Equal(key, wrapper.Unwrap(wrapped));
    }

    [Fact]
    public void Open_WrongPin_ThrowsPinIncorrectWithoutPinInMessage()
    {
        var wrongPin = "wrong-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var options = hsm.Options() with { Pin = wrongPin };

        var e = Assert.Throws<Pkcs11Exception>(() => Pkcs11KeyWrapper.Open(options));

        Assert.Equal(Ckr.PinIncorrect, e.ReturnValue);
        Assert.Equal("CKR_PIN_INCORRECT", e.ReturnValueName);
        Assert.DoesNotContain(wrongPin, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(hsm.Pin, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UnknownTokenLabel_ThrowsNamingLabel()
    {
        var options = hsm.Options() with { TokenLabel = "no-such-token" };

        var e = Assert.Throws<InvalidOperationException>(() => Pkcs11KeyWrapper.Open(options));

        Assert.Contains("'no-such-token'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrap_BeforeEnsureKeyEncryptionKey_ThrowsNamingKeyLabel()
    {
        var options = hsm.Options();
        using var wrapper = Pkcs11KeyWrapper.Open(options);

        var e = Assert.Throws<InvalidOperationException>(() => wrapper.Wrap(new byte[32]));

        Assert.Contains(options.KeyLabel, e.Message, StringComparison.Ordinal);
        Assert.Equal(0, wrapper.CountKeysWithKeyLabelForTesting());
    }

    [Fact]
    public void WrapUnwrap_ConcurrentCallers_AllRoundTrip()
    {
        using var wrapper = Pkcs11KeyWrapper.Open(hsm.Options());
        wrapper.EnsureKeyEncryptionKey();
        var failures = 0;

        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            var key = RandomNumberGenerator.GetBytes(32);
            if (!key.AsSpan().SequenceEqual(wrapper.Unwrap(wrapper.Wrap(key))))
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }

    [Fact]
    public void Dispose_ThenWrap_ThrowsObjectDisposed()
    {
        var wrapper = Pkcs11KeyWrapper.Open(hsm.Options());
        wrapper.EnsureKeyEncryptionKey();

        wrapper.Dispose();

        Assert.Throws<ObjectDisposedException>(() => wrapper.Wrap(new byte[32]));
    }
}
