using System.Runtime.InteropServices;
using Coffer.Vault.Pkcs11;

namespace Coffer.Vault.Tests.Pkcs11;

/// <summary>The KEK that EnsureKeyEncryptionKey creates can be used, but never read or exported.</summary>
[Collection(SoftHsmTestGroup.Name)]
public sealed class KeyEncryptionKeyTests(SoftHsmFixture hsm)
{
    [Fact]
    public void EnsureKeyEncryptionKey_NewKey_ValueReadFailsAttributeSensitive()
    {
        using var wrapper = Pkcs11KeyWrapper.Open(hsm.Options());
        wrapper.EnsureKeyEncryptionKey();

        var e = Assert.Throws<Pkcs11Exception>(() => wrapper.GetKeyEncryptionKeyAttributeForTesting(Cka.Value));

        Assert.Equal(Ckr.AttributeSensitive, e.ReturnValue);
        Assert.Equal("CKR_ATTRIBUTE_SENSITIVE", e.ReturnValueName);
    }

    [Fact]
    public void EnsureKeyEncryptionKey_NewKey_HasExplicitSafeAttributes()
    {
        using var wrapper = Pkcs11KeyWrapper.Open(hsm.Options());
        wrapper.EnsureKeyEncryptionKey();

        Assert.True(Bool(wrapper, Cka.Sensitive), "CKA_SENSITIVE");
        Assert.False(Bool(wrapper, Cka.Extractable), "CKA_EXTRACTABLE");
        Assert.True(Bool(wrapper, Cka.NeverExtractable), "CKA_NEVER_EXTRACTABLE");
        Assert.True(Bool(wrapper, Cka.AlwaysSensitive), "CKA_ALWAYS_SENSITIVE");
        Assert.True(Bool(wrapper, Cka.Token), "CKA_TOKEN");
        Assert.True(Bool(wrapper, Cka.Private), "CKA_PRIVATE");
        Assert.True(Bool(wrapper, Cka.Wrap), "CKA_WRAP");
        Assert.True(Bool(wrapper, Cka.Unwrap), "CKA_UNWRAP");
        Assert.False(Bool(wrapper, Cka.Encrypt), "CKA_ENCRYPT");
        Assert.False(Bool(wrapper, Cka.Decrypt), "CKA_DECRYPT");
        Assert.Equal(Ckk.Aes, ULong(wrapper, Cka.KeyType));
        Assert.Equal((nuint)32, ULong(wrapper, Cka.ValueLen));
    }

    [Fact]
    public void WrapKeyEncryptionKey_WithAnotherWrappingKey_FailsKeyUnextractable()
    {
        using var wrapper = Pkcs11KeyWrapper.Open(hsm.Options());
        wrapper.EnsureKeyEncryptionKey();

        var e = Assert.Throws<Pkcs11Exception>(() => wrapper.WrapKeyEncryptionKeyForTesting());

        Assert.Equal(Ckr.KeyUnextractable, e.ReturnValue);
        Assert.Equal("CKR_KEY_UNEXTRACTABLE", e.ReturnValueName);
    }

    [Fact]
    public void EnsureKeyEncryptionKey_CalledTwice_KeepsOneKey()
    {
        var options = hsm.Options();
        using var wrapper = Pkcs11KeyWrapper.Open(options);
        wrapper.EnsureKeyEncryptionKey();
        var wrapped = wrapper.Wrap(new byte[32]);

        wrapper.EnsureKeyEncryptionKey();
        using (var other = Pkcs11KeyWrapper.Open(options))
        {
            other.EnsureKeyEncryptionKey();
        }

        Assert.Equal(1, wrapper.CountKeysWithKeyLabelForTesting());
        Assert.Equal(new byte[32], wrapper.Unwrap(wrapped));
    }

    [Theory]
    [InlineData(false, false, false, "CKA_SENSITIVE is false")]
    [InlineData(true, true, false, "CKA_EXTRACTABLE is true")]
    [InlineData(true, false, true, "CKA_ENCRYPT/CKA_DECRYPT")]
    public void EnsureKeyEncryptionKey_ExistingUnsafeKeyWithLabel_Refuses(
        bool sensitive, bool extractable, bool decrypt, string expectedProblem)
    {
        var options = hsm.Options();
        using var wrapper = Pkcs11KeyWrapper.Open(options);

        // Plant an unsafe key under the KEK label with the raw binding (the wrapper's session logged the process in).
        var module = Pkcs11Module.Acquire(hsm.LibraryPath);
        var session = module.OpenSession(wrapper.Slot, Ckf.SerialSession | Ckf.RwSession);
        try
        {
            using var template = new AttributeTemplate()
                .ULong(Cka.Class, Cko.SecretKey)
                .ULong(Cka.KeyType, Ckk.Aes)
                .ULong(Cka.ValueLen, 32)
                .Bool(Cka.Token, true)
                .Bool(Cka.Private, true)
                .Bool(Cka.Sensitive, sensitive)
                .Bool(Cka.Extractable, extractable)
                .Bool(Cka.Wrap, true)
                .Bool(Cka.Unwrap, true)
                .Bool(Cka.Decrypt, decrypt)
                .Utf8(Cka.Label, options.KeyLabel);
            var planted = module.GenerateKey(session, Ckm.AesKeyGen, template);
            try
            {
                var e = Assert.Throws<InvalidOperationException>(wrapper.EnsureKeyEncryptionKey);

                Assert.Contains(options.KeyLabel, e.Message, StringComparison.Ordinal);
                Assert.Contains(expectedProblem, e.Message, StringComparison.Ordinal);
                Assert.Throws<InvalidOperationException>(() => wrapper.Wrap(new byte[32]));
            }
            finally
            {
                Pkcs11Module.Check("C_DestroyObject", module.DestroyObject(session, planted));
            }
        }
        finally
        {
            _ = module.CloseSession(session);
            module.Release();
        }
    }

    private static bool Bool(Pkcs11KeyWrapper wrapper, nuint attribute)
    {
        var value = wrapper.GetKeyEncryptionKeyAttributeForTesting(attribute);
        Assert.Single(value);
        return value[0] != 0;
    }

    private static nuint ULong(Pkcs11KeyWrapper wrapper, nuint attribute)
    {
        var value = wrapper.GetKeyEncryptionKeyAttributeForTesting(attribute);
        Assert.Equal(IntPtr.Size, value.Length);
        return MemoryMarshal.Read<nuint>(value);
    }
}
