using System.Buffers.Binary;
using System.Text;

namespace Coffer.Vault.Crypto;

/// <summary>
/// The associated data that binds each layer of the key hierarchy to where it belongs (the "encryption context" of
/// envelope encryption). It is not secret, only authenticated: a ciphertext copied to another user, another secret
/// or another version fails to open.
/// </summary>
internal static class EnvelopeContext
{
    private static readonly byte[] RootKeyringLabel = Encoding.ASCII.GetBytes("coffer/root-keyring/v1");
    private static readonly byte[] UserKeyringLabel = Encoding.ASCII.GetBytes("coffer/user-keyring/v1");
    private static readonly byte[] DataKeyLabel = Encoding.ASCII.GetBytes("coffer/data-key/v1");
    private static readonly byte[] SecretLabel = Encoding.ASCII.GetBytes("coffer/secret/v1");

    public static byte[] RootKeyring(Guid installId) => Build(RootKeyringLabel, installId, Guid.Empty, 0);

    public static byte[] UserKeyring(Guid userId) => Build(UserKeyringLabel, userId, Guid.Empty, 0);

    /// <summary>The user key version that wraps the data key is in the envelope header, which is authenticated too.</summary>
    public static byte[] DataKey(Guid userId, Guid secretId, int secretVersion) => Build(DataKeyLabel, userId, secretId, secretVersion);

    public static byte[] Secret(Guid userId, Guid secretId, int secretVersion) => Build(SecretLabel, userId, secretId, secretVersion);

    private static byte[] Build(byte[] label, Guid a, Guid b, int version)
    {
        var context = new byte[label.Length + 16 + 16 + 4];
        label.CopyTo(context, 0);
        a.TryWriteBytes(context.AsSpan(label.Length, 16), bigEndian: true, out _);
        b.TryWriteBytes(context.AsSpan(label.Length + 16, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(context.AsSpan(label.Length + 32), version);
        return context;
    }
}
