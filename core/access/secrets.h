#pragma once

#include "engine/variableresolver.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace Baton {

class Store;

/// The key that secrets are encrypted with at rest: 32 random bytes, kept outside the database.
struct SecretKey
{
    QByteArray bytes;
    QString id; ///< 16 hex digits of SHA-256(bytes): names the key without revealing it
    QString source; ///< where it was read from, for messages ("$BATON_SECRET_KEY", a path)
};

/// Secrets at rest, in one place: every secret value written to and read from the store passes
/// through here (ProjectWriter seals, the engine's launch path reveals, the commands rotate).
///
/// A stored secret is "v1:<key id>:<base64 of nonce + crypto_secretbox ciphertext>" (libsodium,
/// XSalsa20-Poly1305, a random nonce per value): the key id says which key it needs, so a wrong
/// key is named as such instead of producing garbage. Anything else in a secret's value column
/// is a clear value from before schema 13, still read until `baton secrets encrypt`.
class Secrets
{
public:
    /// $BATON_SECRET_KEY_FILE, else ~/.config/baton/secret.key.
    static QString keyFilePath();
    /// The key: $BATON_SECRET_KEY (base64) if set, else the key file if it exists; nullopt when
    /// there is neither. Throws Baton::Error when the one there is unusable (not 32 bytes of
    /// base64, a key file that its group or others may read).
    static std::optional<SecretKey> loadKey();
    /// loadKey(), or a Baton::Error saying that @p what needs a key and where to put one.
    static SecretKey requireKey(const QString &what);
    /// Reads the key file at @p path (mode 0600 or stricter, else refused). Throws Baton::Error.
    static SecretKey readKeyFile(const QString &path);
    static SecretKey fromBytes(const QByteArray &bytes, const QString &source);
    /// A new random key.
    static SecretKey generate();
    /// Writes @p key to a new file at @p path, mode 0600 (its directory made 0700 if new).
    /// Refuses an existing file, also one that appears meanwhile (never overwritten: the
    /// secrets sealed with it would be lost). Throws Baton::Error.
    static void writeKeyFile(const SecretKey &key, const QString &path);

    /// Creates the key file at keyFilePath() when there is no key at all; true when it did.
    static bool createKeyIfMissing();

    /// Whether @p stored is a sealed value ("v1:…").
    static bool isSealed(const QString &stored);
    /// The key id a sealed value needs; empty when @p stored is not sealed.
    static QString keyIdOf(const QString &stored);
    static QString seal(const QString &plain, const SecretKey &key);
    /// The plain value. Throws Baton::Error naming @p what (never the value) when @p stored was
    /// sealed with another key or does not decrypt (damaged).
    static QString open(const QString &stored, const SecretKey &key, const QString &what);

    /// The value to store for a secret typed by someone (import, console): sealed with the key,
    /// which must be available (else Baton::Error, and the caller's transaction writes
    /// nothing).
    static QString sealForStore(const QString &plain, const QString &name);

    /// For the engine, as a run starts: replaces every sealed secret value in @p variables by
    /// its plain value. Returns an empty string, or why a secret cannot be read (which
    /// variable, which key), in which case no job may start.
    static QString reveal(QList<ResolvedVariable> &variables);

    struct Counts
    {
        int sealed = 0; ///< secrets stored encrypted
        int clear = 0; ///< secrets still stored in clear (from before schema 13)
        int unset = 0; ///< secrets without a value
        QStringList keyIds; ///< the keys the sealed ones need
    };
    static Counts counts(const Store &store);
    /// Encrypts every secret still stored in clear with @p key, in one transaction. Returns
    /// how many.
    static int encryptClear(const Store &store, const SecretKey &key, const QString &actor);
    /// Re-encrypts every secret from @p oldKey to @p newKey in one transaction (a clear one is
    /// encrypted too): all of them or, on any error, none. Returns how many.
    static int rotate(const Store &store, const SecretKey &oldKey, const SecretKey &newKey,
                      const QString &actor);
};

} // namespace Baton
