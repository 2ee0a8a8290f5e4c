package burrow.tls;

import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;

/**
 * Server key material that mints a certificate for each SNI name on first use, signed by a local CA. The dev edge
 * needs this: its domain is {@code localhost}, and TLS clients refuse a {@code *.localhost} wildcard (a wildcard
 * needs two labels after it), so every tunnel host gets a certificate of its own. Minted certificates are cached
 * (at most {@value #CACHE_SIZE}, least recently used evicted).
 */
public final class MintingKeyCertOptions implements KeyCertOptions {
  /** Most minted certificates kept: 1,024. */
  public static final int CACHE_SIZE = 1024;
  private static final char[] PASSWORD = "burrow".toCharArray();

  private final X509Certificate caCert;
  private final PrivateKey caKey;
  private final String defaultName;
  private final Map<String, KeyManagerFactory> cache;

  public MintingKeyCertOptions(X509Certificate caCert, PrivateKey caKey, String defaultName) {
    this.caCert = caCert;
    this.caKey = caKey;
    this.defaultName = defaultName;
    this.cache = java.util.Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, KeyManagerFactory> eldest) {
        return size() > CACHE_SIZE;
      }
    });
  }

  /** From the PEM text of a CA certificate and its key. */
  public static MintingKeyCertOptions fromPem(String caCertPem, String caKeyPem, String defaultName) {
    try {
      return new MintingKeyCertOptions(DevCertificates.readCertificate(caCertPem),
          DevCertificates.readPrivateKey(caKeyPem), defaultName);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read the CA certificate or key: " + e.getMessage(), e);
    }
  }

  public KeyManagerFactory forName(String name) {
    String n = name == null || name.isEmpty() ? defaultName : name.toLowerCase(Locale.ROOT);
    return cache.computeIfAbsent(n, k -> {
      try {
        KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(DevCertificates.mint(caCert, caKey, k.equals(defaultName) ? List.of(k, "*." + k, "127.0.0.1") : List.of(k),
            PASSWORD), PASSWORD);
        return f;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Override
  public KeyCertOptions copy() {
    return this;
  }

  @Override
  public KeyManagerFactory getKeyManagerFactory(Vertx vertx) {
    return forName(defaultName);
  }

  @Override
  public Function<String, KeyManagerFactory> keyManagerFactoryMapper(Vertx vertx) {
    return this::forName;
  }
}
