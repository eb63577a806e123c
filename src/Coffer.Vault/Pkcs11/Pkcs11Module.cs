using System.Runtime.InteropServices;
using System.Text;

namespace Coffer.Vault.Pkcs11;

/// <summary>
/// One loaded PKCS#11 module (a .so with C_GetFunctionList), shared by every user in the process and reference-counted.
/// </summary>
/// <remarks>
/// <para>
/// C_Initialize and C_Finalize act on the whole module for the whole process ("application"), not on a caller
/// (PKCS#11 v2.40 base, C_Finalize: "Cryptoki ... is done with the library"). If two wrappers each called C_Finalize,
/// the first one to close would pull the module from under the other. So the module is initialized once when the first
/// user acquires it and finalized when the last one releases it.
/// </para>
/// <para>
/// The count is keyed by the handle dlopen returns, not by the path string: dlopen hands back the same handle for the
/// same shared object however it was named (/usr/lib/softhsm/libsofthsm2.so is a symlink to the multiarch path),
/// and one shared object has one Cryptoki state.
/// </para>
/// <para>
/// CKR_CRYPTOKI_ALREADY_INITIALIZED from C_Initialize means some other code in the process initialized the module
/// first. That is fine, but then it is that code's job to finalize it, so this instance never will.
/// </para>
/// </remarks>
internal sealed unsafe class Pkcs11Module
{
    private static readonly Dictionary<nint, Pkcs11Module> Loaded = [];
    private static readonly Lock LoadedLock = new();

    private readonly nint _library;
    private readonly CkFunctionList* _functions;
    private readonly bool _finalizeOnRelease;
    private int _references;

    private Pkcs11Module(string libraryPath, nint library, CkFunctionList* functions, bool finalizeOnRelease)
    {
        LibraryPath = libraryPath;
        _library = library;
        _functions = functions;
        _finalizeOnRelease = finalizeOnRelease;
        _references = 1;
    }

    /// <summary>The path the module was first loaded from.</summary>
    public string LibraryPath { get; }

    /// <summary>How many users hold this module (for tests and diagnostics).</summary>
    internal int ReferenceCount
    {
        get
        {
            lock (LoadedLock)
            {
                return _references;
            }
        }
    }

    /// <summary>Address of the module's CK_FUNCTION_LIST (for the layout test).</summary>
    internal nint FunctionListAddress => (nint)_functions;

    /// <summary>The dlopen handle (for the layout test).</summary>
    internal nint LibraryHandle => _library;

    /// <summary>Loads and initializes the module, or takes another reference to it if it is already loaded.</summary>
    public static Pkcs11Module Acquire(string libraryPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(libraryPath);
        if (OperatingSystem.IsWindows())
        {
            // pkcs11.h on Windows: CK_ULONG is 32 bits and structures are packed to 1 byte. The structs here use the
            // Unix layout, so calling a Windows module through them would corrupt memory.
            throw new PlatformNotSupportedException("The PKCS#11 binding supports the Unix ABI only.");
        }

        lock (LoadedLock)
        {
            var library = NativeLibrary.Load(libraryPath);
            if (Loaded.TryGetValue(library, out var existing))
            {
                // dlopen counted this load too; keep exactly one dlopen reference per module object.
                NativeLibrary.Free(library);
                existing._references++;
                return existing;
            }

            try
            {
                var getFunctionList =
                    (delegate* unmanaged<CkFunctionList**, nuint>)NativeLibrary.GetExport(library, "C_GetFunctionList");
                CkFunctionList* functions = null;
                Check("C_GetFunctionList", getFunctionList(&functions));
                if (functions == null)
                {
                    throw new Pkcs11Exception("C_GetFunctionList", Ckr.GeneralError);
                }

                // Null mutex callbacks + CKF_OS_LOCKING_OK: the module may be called from several threads and locks
                // with the OS's primitives (PKCS#11 v2.40 base, C_Initialize). .NET runs code on any thread.
                var args = new CkCInitializeArgs { Flags = Ckf.OsLockingOk };
                var rv = functions->C_Initialize(&args);
                if (rv != Ckr.Ok && rv != Ckr.CryptokiAlreadyInitialized)
                {
                    throw new Pkcs11Exception("C_Initialize", rv);
                }

                var module = new Pkcs11Module(libraryPath, library, functions, rv == Ckr.Ok);
                Loaded.Add(library, module);
                return module;
            }
            catch
            {
                NativeLibrary.Free(library);
                throw;
            }
        }
    }

    /// <summary>Drops one reference; the last one finalizes (if this code initialized) and unloads the module.</summary>
    public void Release()
    {
        lock (LoadedLock)
        {
            if (_references <= 0)
            {
                throw new InvalidOperationException("The PKCS#11 module was released more often than acquired.");
            }

            if (--_references > 0)
            {
                return;
            }

            Loaded.Remove(_library);
            if (_finalizeOnRelease)
            {
                // Nothing useful can be done if C_Finalize fails while shutting down; the module is unloaded anyway.
                _ = _functions->C_Finalize(null);
            }

            NativeLibrary.Free(_library);
        }
    }

    /// <summary>C_GetSlotList(tokenPresent = TRUE), using the two-call convention of PKCS#11 v2.40 base §5.2.</summary>
    public nuint[] GetSlotsWithToken()
    {
        ThrowIfReleased();
        while (true)
        {
            nuint count = 0;
            Check("C_GetSlotList", _functions->C_GetSlotList(1, null, &count));
            var slots = new nuint[(int)count];
            if (count == 0)
            {
                return slots;
            }

            nuint filled = count;
            fixed (nuint* p = slots)
            {
                var rv = _functions->C_GetSlotList(1, p, &filled);
                if (rv == Ckr.BufferTooSmall)
                {
                    continue; // a token appeared between the two calls
                }

                Check("C_GetSlotList", rv);
            }

            return filled == count ? slots : slots[..(int)filled];
        }
    }

    /// <summary>C_GetTokenInfo; returns the label with the blank padding removed.</summary>
    public string GetTokenLabel(nuint slot, out nuint flags)
    {
        ThrowIfReleased();
        CkTokenInfo info;
        Check("C_GetTokenInfo", _functions->C_GetTokenInfo(slot, &info));
        flags = info.Flags;
        return Encoding.UTF8.GetString(new ReadOnlySpan<byte>(info.Label, CkTokenInfo.LabelLength)).TrimEnd(' ', '\0');
    }

    /// <summary>C_OpenSession without a notification callback.</summary>
    public nuint OpenSession(nuint slot, nuint flags)
    {
        ThrowIfReleased();
        nuint session;
        Check("C_OpenSession", _functions->C_OpenSession(slot, flags, null, null, &session));
        return session;
    }

    public nuint CloseSession(nuint session)
    {
        ThrowIfReleased();
        return _functions->C_CloseSession(session);
    }

    public nuint CloseAllSessions(nuint slot)
    {
        ThrowIfReleased();
        return _functions->C_CloseAllSessions(slot);
    }

    /// <summary>
    /// C_Login. Returns the raw CK_RV so that the caller can decide about CKR_USER_ALREADY_LOGGED_IN. The PIN is
    /// copied to unmanaged memory for the call and zeroed afterwards.
    /// </summary>
    public nuint Login(nuint session, nuint userType, string pin)
    {
        ThrowIfReleased();
        var length = Encoding.UTF8.GetByteCount(pin);
        var buffer = (byte*)NativeMemory.AllocZeroed((nuint)Math.Max(length, 1));
        try
        {
            var span = new Span<byte>(buffer, length);
            Encoding.UTF8.GetBytes(pin, span);
            return _functions->C_Login(session, userType, buffer, (nuint)length);
        }
        finally
        {
            NativeMemory.Clear(buffer, (nuint)Math.Max(length, 1));
            NativeMemory.Free(buffer);
        }
    }

    public nuint Logout(nuint session)
    {
        ThrowIfReleased();
        return _functions->C_Logout(session);
    }

    public nuint CreateObject(nuint session, AttributeTemplate template)
    {
        ThrowIfReleased();
        nuint handle;
        Check("C_CreateObject", _functions->C_CreateObject(session, template.Pointer, template.Count, &handle));
        return handle;
    }

    public nuint DestroyObject(nuint session, nuint handle)
    {
        ThrowIfReleased();
        return _functions->C_DestroyObject(session, handle);
    }

    /// <summary>C_FindObjectsInit / C_FindObjects / C_FindObjectsFinal; returns at most <paramref name="max"/> handles.</summary>
    public nuint[] FindObjects(nuint session, AttributeTemplate template, int max)
    {
        ThrowIfReleased();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        Check("C_FindObjectsInit", _functions->C_FindObjectsInit(session, template.Pointer, template.Count));
        var handles = new nuint[max];
        nuint found = 0;
        nuint rv;
        fixed (nuint* p = handles)
        {
            rv = _functions->C_FindObjects(session, p, (nuint)max, &found);
        }

        // A search must always be finished, or the session refuses the next C_FindObjectsInit with
        // CKR_OPERATION_ACTIVE (PKCS#11 v2.40 base, C_FindObjectsInit).
        var finalRv = _functions->C_FindObjectsFinal(session);
        Check("C_FindObjects", rv);
        Check("C_FindObjectsFinal", finalRv);
        return handles[..(int)found];
    }

    /// <summary>
    /// C_GetAttributeValue for one attribute. <paramref name="expectedMaxLength"/> sizes the first attempt so that a
    /// known-size value needs one call; if it is too small, the length is asked for (PKCS#11 v2.40 base §5.2). The
    /// unmanaged buffer is zeroed before it is freed because CKA_VALUE may be key material.
    /// </summary>
    public byte[] GetAttribute(nuint session, nuint handle, nuint type, int expectedMaxLength = 64)
    {
        ThrowIfReleased();
        var capacity = Math.Max(expectedMaxLength, 1);
        while (true)
        {
            var buffer = NativeMemory.AllocZeroed((nuint)capacity);
            try
            {
                var attribute = new CkAttribute { Type = type, Value = buffer, ValueLen = (nuint)capacity };
                var rv = _functions->C_GetAttributeValue(session, handle, &attribute, 1);
                if (rv == Ckr.BufferTooSmall)
                {
                    var query = new CkAttribute { Type = type, Value = null, ValueLen = 0 };
                    Check("C_GetAttributeValue", _functions->C_GetAttributeValue(session, handle, &query, 1));
                    capacity = checked((int)query.ValueLen);
                    continue;
                }

                Check("C_GetAttributeValue", rv);
                return new ReadOnlySpan<byte>(buffer, checked((int)attribute.ValueLen)).ToArray();
            }
            finally
            {
                NativeMemory.Clear(buffer, (nuint)capacity);
                NativeMemory.Free(buffer);
            }
        }
    }

    public bool GetBool(nuint session, nuint handle, nuint type)
    {
        var value = GetAttribute(session, handle, type, 1);
        return value.Length == 1 ? value[0] != 0 : throw new Pkcs11Exception("C_GetAttributeValue", Ckr.AttributeValueInvalid);
    }

    public nuint GetULong(nuint session, nuint handle, nuint type)
    {
        var value = GetAttribute(session, handle, type, sizeof(nuint));
        return value.Length == sizeof(nuint)
            ? MemoryMarshal.Read<nuint>(value)
            : throw new Pkcs11Exception("C_GetAttributeValue", Ckr.AttributeValueInvalid);
    }

    public nuint GenerateKey(nuint session, nuint mechanism, AttributeTemplate template)
    {
        ThrowIfReleased();
        var m = new CkMechanism { Mechanism = mechanism };
        nuint handle;
        Check("C_GenerateKey", _functions->C_GenerateKey(session, &m, template.Pointer, template.Count, &handle));
        return handle;
    }

    /// <summary>
    /// C_WrapKey with a parameterless mechanism (CKM_AES_KEY_WRAP[_PAD] take no IV parameter when the default IV
    /// is used). The output is ciphertext, so a managed array is fine.
    /// </summary>
    public byte[] WrapKey(nuint session, nuint mechanism, nuint wrappingKey, nuint key)
    {
        ThrowIfReleased();
        var m = new CkMechanism { Mechanism = mechanism };
        nuint length = 0;
        Check("C_WrapKey", _functions->C_WrapKey(session, &m, wrappingKey, key, null, &length));
        var wrapped = new byte[(int)length];
        fixed (byte* p = wrapped)
        {
            Check("C_WrapKey", _functions->C_WrapKey(session, &m, wrappingKey, key, p, &length));
        }

        return (int)length == wrapped.Length ? wrapped : wrapped[..(int)length];
    }

    public nuint UnwrapKey(
        nuint session, nuint mechanism, nuint unwrappingKey, ReadOnlySpan<byte> wrapped, AttributeTemplate template)
    {
        ThrowIfReleased();
        var m = new CkMechanism { Mechanism = mechanism };
        nuint handle;
        fixed (byte* p = wrapped)
        {
            Check(
                "C_UnwrapKey",
                _functions->C_UnwrapKey(
                    session, &m, unwrappingKey, p, (nuint)wrapped.Length, template.Pointer, template.Count, &handle));
        }

        return handle;
    }

    /// <summary>Throws <see cref="Pkcs11Exception"/> unless <paramref name="rv"/> is CKR_OK.</summary>
    public static void Check(string function, nuint rv)
    {
        if (rv != Ckr.Ok)
        {
            throw new Pkcs11Exception(function, rv);
        }
    }

    private void ThrowIfReleased()
    {
        if (Volatile.Read(ref _references) <= 0)
        {
            throw new ObjectDisposedException(nameof(Pkcs11Module), $"The PKCS#11 module {LibraryPath} was released.");
        }
    }
}
