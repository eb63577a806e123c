using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Coffer.Vault.Pkcs11;

namespace Coffer.Vault.Tests.Pkcs11;

[Collection(SoftHsmTestGroup.Name)]
public sealed class Pkcs11ModuleTests(SoftHsmFixture hsm)
{
    /// <summary>pkcs11f.h, in order. SoftHSM2 exports every function, so dlsym gives the expected table.</summary>
    private static readonly string[] FunctionOrder =
    [
        "C_Initialize", "C_Finalize", "C_GetInfo", "C_GetFunctionList", "C_GetSlotList", "C_GetSlotInfo",
        "C_GetTokenInfo", "C_GetMechanismList", "C_GetMechanismInfo", "C_InitToken", "C_InitPIN", "C_SetPIN",
        "C_OpenSession", "C_CloseSession", "C_CloseAllSessions", "C_GetSessionInfo", "C_GetOperationState",
        "C_SetOperationState", "C_Login", "C_Logout", "C_CreateObject", "C_CopyObject", "C_DestroyObject",
        "C_GetObjectSize", "C_GetAttributeValue", "C_SetAttributeValue", "C_FindObjectsInit", "C_FindObjects",
        "C_FindObjectsFinal", "C_EncryptInit", "C_Encrypt", "C_EncryptUpdate", "C_EncryptFinal", "C_DecryptInit",
        "C_Decrypt", "C_DecryptUpdate", "C_DecryptFinal", "C_DigestInit", "C_Digest", "C_DigestUpdate",
        "C_DigestKey", "C_DigestFinal", "C_SignInit", "C_Sign", "C_SignUpdate", "C_SignFinal", "C_SignRecoverInit",
        "C_SignRecover", "C_VerifyInit", "C_Verify", "C_VerifyUpdate", "C_VerifyFinal", "C_VerifyRecoverInit",
        "C_VerifyRecover", "C_DigestEncryptUpdate", "C_DecryptDigestUpdate", "C_SignEncryptUpdate",
        "C_DecryptVerifyUpdate", "C_GenerateKey", "C_GenerateKeyPair", "C_WrapKey", "C_UnwrapKey", "C_DeriveKey",
        "C_SeedRandom", "C_GenerateRandom", "C_GetFunctionStatus", "C_CancelFunction", "C_WaitForSlotEvent",
    ];

    [Fact]
    public void NativeStructs_Sizes_MatchLp64CLayout()
    {
        // sizeof() of the C structs compiled with the natural alignment of x86-64 / arm64 Linux.
        Assert.Equal(24, Unsafe.SizeOf<CkAttribute>());
        Assert.Equal(24, Unsafe.SizeOf<CkMechanism>());
        Assert.Equal(48, Unsafe.SizeOf<CkCInitializeArgs>());
        Assert.Equal(208, Unsafe.SizeOf<CkTokenInfo>());
        Assert.Equal(8 + (FunctionOrder.Length * 8), Unsafe.SizeOf<CkFunctionList>());
    }

    [Fact]
    public void FunctionList_Table_MatchesExportedSymbolsInHeaderOrder()
    {
        var module = Pkcs11Module.Acquire(hsm.LibraryPath);
        try
        {
            // The module's table itself: entry i (after CK_VERSION, padded to 8) is the i-th function of pkcs11f.h.
            for (var i = 0; i < FunctionOrder.Length; i++)
            {
                Assert.True(
                    Export(module, FunctionOrder[i]) == Marshal.ReadIntPtr(module.FunctionListAddress, 8 + (i * 8)),
                    $"table entry {i} is not {FunctionOrder[i]}");
            }
        }
        finally
        {
            module.Release();
        }
    }

    [Fact]
    public void FunctionList_StructFields_SitAtTheirHeaderOffsets()
    {
        var fields = typeof(CkFunctionList).GetFields().Where(f => f.Name != nameof(CkFunctionList.Version)).ToArray();
        Assert.Equal(FunctionOrder.Length, fields.Length);
        var module = Pkcs11Module.Acquire(hsm.LibraryPath);
        try
        {
            foreach (var field in fields)
            {
                var index = Array.IndexOf(FunctionOrder, field.Name);
                Assert.True(index >= 0, $"{field.Name} is not a PKCS#11 v2.40 function");
                var offset = (int)Marshal.OffsetOf<CkFunctionList>(field.Name);
                Assert.Equal(8 + (index * 8), offset);
                Assert.Equal(Export(module, field.Name), Marshal.ReadIntPtr(module.FunctionListAddress, offset));
            }
        }
        finally
        {
            module.Release();
        }
    }

    [Fact]
    public void Acquire_SameModuleUnderTwoPaths_SharesOneReferenceCountedInstance()
    {
        // /usr/lib/softhsm/libsofthsm2.so is a symlink to the multiarch path: one shared object, one Cryptoki state.
        var paths = SoftHsmFixture.ModuleCandidates.Where(File.Exists).ToArray();
        var first = Pkcs11Module.Acquire(paths[0]);
        var before = first.ReferenceCount;
        var second = Pkcs11Module.Acquire(paths[^1]);
        try
        {
            Assert.Same(first, second);
            Assert.Equal(before + 1, first.ReferenceCount);
        }
        finally
        {
            second.Release();
            first.Release();
        }

        Assert.Equal(before - 1, first.ReferenceCount);
    }

    [Fact]
    public void Release_WhileAnotherUserHoldsModule_KeepsModuleInitialized()
    {
        using var wrapper = Pkcs11KeyWrapper.Open(hsm.Options());
        wrapper.EnsureKeyEncryptionKey();
        var extra = Pkcs11Module.Acquire(hsm.LibraryPath);
        extra.Release();

        // A C_Finalize on release would make this fail with CKR_CRYPTOKI_NOT_INITIALIZED.
        var key = new byte[32];
        Assert.Equal(key, wrapper.Unwrap(wrapper.Wrap(key)));
    }

    [Fact]
    public void Acquire_MissingLibrary_ThrowsDllNotFound()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-pkcs11-module-" + Guid.NewGuid().ToString("N") + ".so");
        Assert.Throws<DllNotFoundException>(() => Pkcs11Module.Acquire(missing));
    }

    [Fact]
    public void Pkcs11Exception_FromReturnValue_CarriesCodeAndName()
    {
        var e = new Pkcs11Exception("C_WrapKey", Ckr.KeyUnextractable);
        Assert.Equal((nuint)0x6A, e.ReturnValue);
        Assert.Equal("CKR_KEY_UNEXTRACTABLE", e.ReturnValueName);
        Assert.Equal("C_WrapKey", e.Function);
        Assert.Contains("CKR_KEY_UNEXTRACTABLE (0x6A)", e.Message, StringComparison.Ordinal);
        Assert.Equal("CKR_ATTRIBUTE_SENSITIVE", Ckr.Name(0x11));
    }

    private static nint Export(Pkcs11Module module, string name) => NativeLibrary.GetExport(module.LibraryHandle, name);
}
