package burrow.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Mints a local certificate authority and a server certificate for a domain and its wildcard, with BouncyCastle
 * (ECDSA P-256, SANs, so browsers and hostname verification accept it once the CA is trusted). Used by the
 * embedded dev edge ({@code ~/.burrow/dev}) and by tests.
 */
public final class DevCertificates {
  /** The files written by {@link #ensure}: the CA certificate, the server certificate (chain) and its key. */
  public record Files3(Path caCert, Path cert, Path key, Path caKey) {
  }

  /** PEM text of a CA (and its key), a server certificate signed by it and the server key. */
  public record Pems(String caCert, String cert, String key, String caKey) {
  }

  private DevCertificates() {
  }

  /**
   * Returns the CA, certificate and key under {@code dir}, creating them on first use. Blocking: call off the
   * event loop.
   */
  public static Files3 ensure(Path dir, String domain) throws IOException {
    Path ca = dir.resolve("ca.pem");
    Path cert = dir.resolve("edge.pem");
    Path key = dir.resolve("edge-key.pem");
    Path caKey = dir.resolve("ca-key.pem");
    Path marker = dir.resolve("domain");
    if (Files.exists(ca) && Files.exists(cert) && Files.exists(key) && Files.exists(caKey) && Files.exists(marker)
        && Files.readString(marker).trim().equals(domain)) {
      return new Files3(ca, cert, key, caKey);
    }
    Files.createDirectories(dir);
    Pems pems = generate(domain, List.of("127.0.0.1"));
    Path tmp = Files.createTempDirectory(dir, ".gen");
    Files.writeString(tmp.resolve("ca.pem"), pems.caCert());
    Files.writeString(tmp.resolve("edge.pem"), pems.cert());
    Files.writeString(tmp.resolve("edge-key.pem"), pems.key());
    Files.writeString(tmp.resolve("ca-key.pem"), pems.caKey());
    try {
      Files.setPosixFilePermissions(tmp.resolve("edge-key.pem"), PosixFilePermissions.fromString("rw-------"));
      Files.setPosixFilePermissions(tmp.resolve("ca-key.pem"), PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    Files.move(tmp.resolve("ca-key.pem"), caKey, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp.resolve("ca.pem"), ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp.resolve("edge.pem"), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp.resolve("edge-key.pem"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(marker, domain);
    Files.deleteIfExists(tmp);
    return new Files3(ca, cert, key, caKey);
  }

  /** A fresh CA and a certificate for {@code domain}, {@code *.domain} and the given IP addresses. */
  public static Pems generate(String domain, List<String> ips) {
    try {
      KeyPair caKeys = ecKeyPair();
      Instant now = Instant.now();
      Date from = Date.from(now.minus(Duration.ofDays(1)));
      Date to = Date.from(now.plus(Duration.ofDays(825)));
      X500Name caName = new X500Name("CN=burrow dev CA " + domain);
      JcaX509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, serial(), from, to, caName,
          caKeys.getPublic());
      caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate caCert = sign(caBuilder, caKeys.getPrivate());

      KeyPair keys = ecKeyPair();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caName, serial(), from, to,
          new X500Name("CN=" + domain), keys.getPublic());
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.dNSName, domain));
      names.add(new GeneralName(GeneralName.dNSName, "*." + domain));
      for (String ip : ips) {
        names.add(new GeneralName(GeneralName.iPAddress, ip));
      }
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      X509Certificate cert = sign(b, caKeys.getPrivate());
      return new Pems(pem(caCert), pem(cert) + pem(caCert), pem(keys.getPrivate()), pem(caKeys.getPrivate()));
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate certificates", e);
    }
  }



  /** A certificate and key for exactly {@code names}, signed by a CA; used to mint per-host certificates. */
  public static java.security.KeyStore mint(X509Certificate caCert, PrivateKey caKey, List<String> names,
                                            char[] password) {
    try {
      KeyPair keys = ecKeyPair();
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          org.bouncycastle.asn1.x500.X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()), serial(),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(825))),
          new X500Name("CN=" + names.get(0)), keys.getPublic());
      List<GeneralName> gn = new ArrayList<>();
      for (String n : names) {
        gn.add(new GeneralName(n.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, n));
      }
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn.toArray(new GeneralName[0])));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      X509Certificate cert = sign(b, caKey);
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("key", keys.getPrivate(), password, new java.security.cert.Certificate[] {cert, caCert});
      return ks;
    } catch (Exception e) {
      throw new IllegalStateException("cannot mint a certificate for " + names, e);
    }
  }

  /** Reads the first certificate of a PEM file (to print its subject or check it parses). */
  public static X509Certificate readCertificate(String pem) throws IOException {
    try (PEMParser p = new PEMParser(new java.io.StringReader(pem))) {
      Object o = p.readObject();
      if (!(o instanceof X509CertificateHolder h)) {
        throw new IOException("no certificate in PEM");
      }
      return new JcaX509CertificateConverter().getCertificate(h);
    } catch (java.security.cert.CertificateException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Reads a private key in PEM (PKCS#8 or PKCS#1/SEC1), to check it parses before listening. */
  public static PrivateKey readPrivateKey(String pem) throws IOException {
    try (PEMParser p = new PEMParser(new java.io.StringReader(pem))) {
      Object o = p.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo pki) {
        return conv.getPrivateKey(pki);
      }
      if (o instanceof org.bouncycastle.openssl.PEMKeyPair kp) {
        return conv.getKeyPair(kp).getPrivate();
      }
      throw new IOException("no private key in PEM");
    }
  }

  private static KeyPair ecKeyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE);
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static String pem(Object o) throws IOException {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      if (o instanceof PrivateKey k) {
        w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
      } else {
        w.writeObject(o);
      }
    }
    return sw.toString();
  }
}
