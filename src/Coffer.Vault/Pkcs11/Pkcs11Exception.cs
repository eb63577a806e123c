using System.Globalization;

namespace Coffer.Vault.Pkcs11;

/// <summary>
/// A PKCS#11 call returned something other than CKR_OK. Carries the CK_RV code and its header name. The message only
/// ever names the function and the code: callers must never add the PIN or key bytes to it.
/// </summary>
internal sealed class Pkcs11Exception : Exception
{
    public Pkcs11Exception()
    {
    }

    public Pkcs11Exception(string message)
        : base(message)
    {
    }

    public Pkcs11Exception(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal Pkcs11Exception(string function, nuint returnValue)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"{function} failed: {Ckr.Name(returnValue)} (0x{(ulong)returnValue:X})"))
    {
        Function = function;
        ReturnValue = returnValue;
    }

    /// <summary>The PKCS#11 function that failed, e.g. "C_WrapKey".</summary>
    public string? Function { get; }

    /// <summary>The CK_RV code, e.g. 0x6A for CKR_KEY_UNEXTRACTABLE.</summary>
    public nuint ReturnValue { get; }

    /// <summary>The header name of <see cref="ReturnValue"/>, e.g. "CKR_KEY_UNEXTRACTABLE".</summary>
    public string ReturnValueName => Ckr.Name(ReturnValue);
}
