using System.Runtime.InteropServices;

namespace Coffer.Vault.Pkcs11;

// C layouts of the PKCS#11 v2.40 structures this binding uses (pkcs11t.h, pkcs11f.h).
//
// On Unix the header is compiled with the platform's natural alignment (pkcs11.h: "structure packing" is only set to 1
// on Windows), so LayoutKind.Sequential reproduces it. CK_ULONG is C "unsigned long" = nuint on LP64. Windows uses a
// 32-bit CK_ULONG *and* 1-byte packing; Pkcs11Module refuses to run there rather than pass wrong layouts.

/// <summary>CK_VERSION.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CkVersion
{
    public byte Major;
    public byte Minor;
}

/// <summary>CK_ATTRIBUTE: { type; pValue; ulValueLen }.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CkAttribute
{
    public nuint Type;
    public void* Value;
    public nuint ValueLen;
}

/// <summary>CK_MECHANISM: { mechanism; pParameter; ulParameterLen }.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CkMechanism
{
    public nuint Mechanism;
    public void* Parameter;
    public nuint ParameterLen;
}

/// <summary>
/// CK_C_INITIALIZE_ARGS. With all four mutex callbacks null and CKF_OS_LOCKING_OK set the library must be safe to call
/// from several threads, using the operating system's own locking (PKCS#11 v2.40 base, C_Initialize, case 2).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CkCInitializeArgs
{
    public void* CreateMutex;
    public void* DestroyMutex;
    public void* LockMutex;
    public void* UnlockMutex;
    public nuint Flags;
    public void* Reserved;
}

/// <summary>CK_TOKEN_INFO. Character fields are blank-padded and not NUL-terminated.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CkTokenInfo
{
    public const int LabelLength = 32;

    public fixed byte Label[LabelLength];
    public fixed byte ManufacturerId[32];
    public fixed byte Model[16];
    public fixed byte SerialNumber[16];
    public nuint Flags;
    public nuint MaxSessionCount;
    public nuint SessionCount;
    public nuint MaxRwSessionCount;
    public nuint RwSessionCount;
    public nuint MaxPinLen;
    public nuint MinPinLen;
    public nuint TotalPublicMemory;
    public nuint FreePublicMemory;
    public nuint TotalPrivateMemory;
    public nuint FreePrivateMemory;
    public CkVersion HardwareVersion;
    public CkVersion FirmwareVersion;
    public fixed byte UtcTime[16];
}

/// <summary>
/// CK_FUNCTION_LIST: a CK_VERSION followed by one pointer per function, in the order of pkcs11f.h ("the order of the
/// functions appearing herein is important, and should not be altered"). Functions this binding calls are typed;
/// the rest are placeholders that keep the offsets right.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CkFunctionList
{
    public CkVersion Version;

    // General purpose
    public delegate* unmanaged<void*, nuint> C_Initialize;
    public delegate* unmanaged<void*, nuint> C_Finalize;
    public nint C_GetInfo;
    public nint C_GetFunctionList;

    // Slot and token management
    public delegate* unmanaged<byte, nuint*, nuint*, nuint> C_GetSlotList;
    public nint C_GetSlotInfo;
    public delegate* unmanaged<nuint, CkTokenInfo*, nuint> C_GetTokenInfo;
    public nint C_GetMechanismList;
    public nint C_GetMechanismInfo;
    public nint C_InitToken;
    public nint C_InitPIN;
    public nint C_SetPIN;

    // Session management
    public delegate* unmanaged<nuint, nuint, void*, void*, nuint*, nuint> C_OpenSession;
    public delegate* unmanaged<nuint, nuint> C_CloseSession;
    public delegate* unmanaged<nuint, nuint> C_CloseAllSessions;
    public nint C_GetSessionInfo;
    public nint C_GetOperationState;
    public nint C_SetOperationState;
    public delegate* unmanaged<nuint, nuint, byte*, nuint, nuint> C_Login;
    public delegate* unmanaged<nuint, nuint> C_Logout;

    // Object management
    public delegate* unmanaged<nuint, CkAttribute*, nuint, nuint*, nuint> C_CreateObject;
    public nint C_CopyObject;
    public delegate* unmanaged<nuint, nuint, nuint> C_DestroyObject;
    public nint C_GetObjectSize;
    public delegate* unmanaged<nuint, nuint, CkAttribute*, nuint, nuint> C_GetAttributeValue;
    public nint C_SetAttributeValue;
    public delegate* unmanaged<nuint, CkAttribute*, nuint, nuint> C_FindObjectsInit;
    public delegate* unmanaged<nuint, nuint*, nuint, nuint*, nuint> C_FindObjects;
    public delegate* unmanaged<nuint, nuint> C_FindObjectsFinal;

    // Encryption, decryption, digesting, signing, verifying, dual-function
    public nint C_EncryptInit;
    public nint C_Encrypt;
    public nint C_EncryptUpdate;
    public nint C_EncryptFinal;
    public nint C_DecryptInit;
    public nint C_Decrypt;
    public nint C_DecryptUpdate;
    public nint C_DecryptFinal;
    public nint C_DigestInit;
    public nint C_Digest;
    public nint C_DigestUpdate;
    public nint C_DigestKey;
    public nint C_DigestFinal;
    public nint C_SignInit;
    public nint C_Sign;
    public nint C_SignUpdate;
    public nint C_SignFinal;
    public nint C_SignRecoverInit;
    public nint C_SignRecover;
    public nint C_VerifyInit;
    public nint C_Verify;
    public nint C_VerifyUpdate;
    public nint C_VerifyFinal;
    public nint C_VerifyRecoverInit;
    public nint C_VerifyRecover;
    public nint C_DigestEncryptUpdate;
    public nint C_DecryptDigestUpdate;
    public nint C_SignEncryptUpdate;
    public nint C_DecryptVerifyUpdate;

    // Key management
    public delegate* unmanaged<nuint, CkMechanism*, CkAttribute*, nuint, nuint*, nuint> C_GenerateKey;
    public nint C_GenerateKeyPair;
    public delegate* unmanaged<nuint, CkMechanism*, nuint, nuint, byte*, nuint*, nuint> C_WrapKey;
    public delegate* unmanaged<nuint, CkMechanism*, nuint, byte*, nuint, CkAttribute*, nuint, nuint*, nuint> C_UnwrapKey;
    public nint C_DeriveKey;

    // Random number generation, parallel function management
    public nint C_SeedRandom;
    public nint C_GenerateRandom;
    public nint C_GetFunctionStatus;
    public nint C_CancelFunction;
    public nint C_WaitForSlotEvent;
}
