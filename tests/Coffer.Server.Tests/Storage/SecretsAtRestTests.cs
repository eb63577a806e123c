using System.Security.Cryptography;
using System.Text;
using Coffer.Server.Tests.Support;
using Coffer.Vault.Signing;

namespace Coffer.Server.Tests.Storage;

/// <summary>DESIGN §1 promise 1: no secret reaches the database in plaintext, in any encoding a scan would find.</summary>
public sealed class SecretsAtRestTests
{
    private const int SecretCount = 100;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task StoreHundredSecrets_ByteScanOfDatabase_FindsNone(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        var server = await ServerInstance.StartAsync(storage.Settings());
        var secrets = new List<string>();
        var users = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToList();
        try
        {
            await server.InitAndUnsealAsync();
            for (var i = 0; i < SecretCount; i++)
            {
                // Shaped like exchange API secrets: 64 characters of base62.
                var secret = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 64);
                secrets.Add(secret);
                var handle = new CredentialHandle(users[i % users.Count], Guid.NewGuid());
                await server.Vault.StoreSecretAsync(handle.UserId, handle.SecretId, Encoding.UTF8.GetBytes(secret), default);
                Assert.Equal(
                    Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), "probe"u8)),
                    await server.Vault.SignAsync(handle, SigningMechanism.HmacSha256Hex, "probe"u8.ToArray()));
            }

            // The scan must be able to see plaintext the database does hold, or finding nothing proves nothing.
            var images = await DatabaseImagesAsync(storage, server);
            Assert.Contains(images, image => Contains(image, Encoding.UTF8.GetBytes("sys:seal")));

            foreach (var secret in secrets)
            {
                foreach (var (encoding, needle) in Encodings(secret))
                {
                    foreach (var image in images)
                    {
                        Assert.False(Contains(image, needle), $"A secret was found in the database as {encoding}.");
                    }
                }
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<List<byte[]>> DatabaseImagesAsync(StorageUnderTest storage, ServerInstance server)
    {
        if (storage.Postgres is { } postgres)
        {
            return [await postgres.DumpAsync()];
        }

        // The database file and its write-ahead log (where recent writes sit until a checkpoint), read while the
        // server still has them open.
        var path = server.Settings.SqlitePath;
        var files = new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists).ToList();
        Assert.Contains(path + "-wal", files);
        var images = new List<byte[]>();
        foreach (var file in files)
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            images.Add(copy.ToArray());
        }

        Assert.True(images[1].Length > 0, "The WAL is empty, so it would prove nothing.");
        return images;
    }

    private static IEnumerable<(string Encoding, byte[] Needle)> Encodings(string secret)
    {
        var utf8 = Encoding.UTF8.GetBytes(secret);
        yield return ("UTF-8", utf8);
        yield return ("UTF-16LE", Encoding.Unicode.GetBytes(secret));
        yield return ("UTF-16BE", Encoding.BigEndianUnicode.GetBytes(secret));

        // Base64 of the secret as text, and aligned at each of the three offsets so a prefix in a larger base64 blob is
        // found too; a 24-character window is long enough to be unique.
        var base64 = Convert.ToBase64String(utf8);
        yield return ("base64", Encoding.ASCII.GetBytes(base64[..24]));
        for (var shift = 1; shift < 3; shift++)
        {
            var shifted = Convert.ToBase64String([.. new byte[shift], .. utf8]);
            yield return ("base64+" + shift, Encoding.ASCII.GetBytes(shifted.Substring(4, 24)));
        }

        yield return ("hex", Encoding.ASCII.GetBytes(Convert.ToHexStringLower(utf8[..16])));
        yield return ("first 16 bytes", utf8[..16]);
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
