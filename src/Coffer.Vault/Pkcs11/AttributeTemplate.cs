using System.Runtime.InteropServices;
using System.Text;

namespace Coffer.Vault.Pkcs11;

/// <summary>
/// A CK_ATTRIBUTE array and the values it points to, all in unmanaged memory so that a key value placed here
/// (CKA_VALUE on import) is never copied around by the garbage collector. Every value buffer is zeroed before it is
/// freed. Use with <c>using</c>: the memory is released in Dispose, including when the PKCS#11 call threw.
/// </summary>
internal sealed unsafe class AttributeTemplate : IDisposable
{
    private readonly List<(nuint Type, nint Value, int Length)> _entries = [];
    private CkAttribute* _array;
    private bool _disposed;

    /// <summary>Number of attributes (the ulCount argument).</summary>
    public nuint Count => (nuint)_entries.Count;

    /// <summary>
    /// The CK_ATTRIBUTE array (the pTemplate argument). Built on first use; after that the template is frozen
    /// because the array must not change under a call.
    /// </summary>
    public CkAttribute* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_array == null && _entries.Count > 0)
            {
                _array = (CkAttribute*)NativeMemory.AllocZeroed((nuint)_entries.Count, (nuint)sizeof(CkAttribute));
                for (var i = 0; i < _entries.Count; i++)
                {
                    var (type, value, length) = _entries[i];
                    _array[i].Type = type;
                    _array[i].Value = (void*)value;
                    _array[i].ValueLen = (nuint)length;
                }
            }

            return _array;
        }
    }

    /// <summary>A CK_BBOOL attribute. CK_BBOOL is one byte (CK_TRUE = 1, CK_FALSE = 0), not a C int.</summary>
    public AttributeTemplate Bool(nuint type, bool value)
    {
        ReadOnlySpan<byte> bytes = [value ? (byte)1 : (byte)0];
        return Bytes(type, bytes);
    }

    /// <summary>A CK_ULONG attribute (CKA_CLASS, CKA_KEY_TYPE, CKA_VALUE_LEN, ...), in native byte order.</summary>
    public AttributeTemplate ULong(nuint type, nuint value) =>
        Bytes(type, MemoryMarshal.AsBytes(new ReadOnlySpan<nuint>(in value)));

    /// <summary>A UTF-8 string attribute such as CKA_LABEL (not NUL-terminated: the length travels in ulValueLen).</summary>
    public AttributeTemplate Utf8(nuint type, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var buffer = Allocate(type, length);
        Encoding.UTF8.GetBytes(value, new Span<byte>((void*)buffer, length));
        return this;
    }

    /// <summary>A byte-array attribute; the bytes are copied into unmanaged memory that is zeroed on Dispose.</summary>
    public AttributeTemplate Bytes(nuint type, ReadOnlySpan<byte> value)
    {
        var buffer = Allocate(type, value.Length);
        value.CopyTo(new Span<byte>((void*)buffer, value.Length));
        return this;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var (_, value, length) in _entries)
        {
            if (value != 0)
            {
                NativeMemory.Clear((void*)value, (nuint)length);
                NativeMemory.Free((void*)value);
            }
        }

        _entries.Clear();
        if (_array != null)
        {
            NativeMemory.Free(_array);
            _array = null;
        }
    }

    private nint Allocate(nuint type, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_array != null)
        {
            throw new InvalidOperationException("The template was already passed to a PKCS#11 call.");
        }

        // Allocate at least one byte so that an empty value still has a valid, freeable pointer.
        var buffer = (nint)NativeMemory.AllocZeroed((nuint)Math.Max(length, 1));
        _entries.Add((type, buffer, length));
        return buffer;
    }
}
