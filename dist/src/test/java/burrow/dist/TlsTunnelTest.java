package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import burrow.tls.DevCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS tunnels: the edge routes by SNI without terminating, so clients (openssl s_client, the JDK) see the local
 * server's certificate; no SNI is refused; -crt/-key terminate at the agent; -client-cas requires client certificates.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTunnelTest {
  @TempDir
  Path dir;
  TcpTestKit kit;
  DevCertificates.Pems localPems;
  NetServer localTls;
  final AtomicInteger localConnections = new AtomicInteger();

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    kit = new TcpTestKit(vertx);
    localPems = DevCertificates.generate("localhost", List.of());
    Files.writeString(dir.resolve("local-ca.pem"), localPems.caCert());
    // the local HTTPS-like server: answers "pong <line>" to one line, then closes
    localTls = vertx.createNetServer(new NetServerOptions().setSsl(true).setSni(true).setKeyCertOptions(new PemKeyCertOptions()
            .setCertValue(Buffer.buffer(localPems.cert())).setKeyValue(Buffer.buffer(localPems.key()))))
        .connectHandler(so -> {
          localConnections.incrementAndGet();
          Buffer acc = Buffer.buffer();
          so.handler(b -> {
            acc.appendBuffer(b);
            String s = acc.toString();
            if (s.contains("\n")) {
              so.write("pong " + s.trim() + " sni=" + so.indicatedServerName() + "\n").onComplete(v -> so.close());
            }
          });
        }).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void tearDown() throws Exception {
    kit.close();
    localTls.close().await();
  }

  private String bind(String subdomain, int port, String crt, String key, String cas) {
    var t = TcpTestKit.tls("t-" + subdomain, port, subdomain, crt, key, cas, null);
    String url = kit.agent(t).start().await().get(t.name()).get(0);
    assertThat(url).isEqualTo("tls://" + subdomain + ".localhost:" + kit.dev.edge.tlsPort());
    return url;
  }

  @Test
  void opensslSClientWithSniSeesTheLocalCertificate() throws Exception {
    bind("secure", localTls.actualPort(), null, null, null);
    Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + kit.dev.edge.tlsPort(),
        "-servername", "secure.localhost", "-CAfile", dir.resolve("local-ca.pem").toString(), "-verify_return_error",
        "-ign_eof").redirectErrorStream(true).start();
    p.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("CN = localhost").contains("burrow dev CA localhost")
        .contains("Verify return code: 0 (ok)").contains("pong ping sni=secure.localhost");
  }

  @Test
  void jdkClientWithSniSeesTheLocalCertificate() throws Exception {
    bind("secure", localTls.actualPort(), null, null, null);
    try (SSLSocket s = client(sslContext(localPems.caCert(), null, null), "secure.localhost")) {
      s.startHandshake();
      X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
      assertThat(peer.getEncoded()).isEqualTo(DevCertificates.readCertificate(localPems.cert()).getEncoded());
      assertThat(exchange(s, "hello")).isEqualTo("pong hello sni=secure.localhost");
    }
  }

  @Test
  void clientWithoutSniIsRefusedAndNothingReachesTheAgent() throws Exception {
    bind("secure", localTls.actualPort(), null, null, null);
    try (SSLSocket s = client(sslContext(localPems.caCert(), null, null), null)) {
      assertThatThrownBy(s::startHandshake).isInstanceOf(java.io.IOException.class);
    }
    Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + kit.dev.edge.tlsPort(),
        "-noservername").redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isNotZero();
    assertThat(out).contains("alert");
    try (SSLSocket s = client(sslContext(localPems.caCert(), null, null), "nobody.localhost")) {
      assertThatThrownBy(s::startHandshake).isInstanceOf(java.io.IOException.class);
    }
    assertThat(localConnections.get()).isZero();
  }

  @Test
  void crtAndKeyTerminateAtTheAgentAndTheLocalServiceGetsPlaintext() throws Exception {
    DevCertificates.Pems agentPems = DevCertificates.generate("term.localhost", List.of());
    Path crt = Files.writeString(dir.resolve("agent.pem"), agentPems.cert());
    Path key = Files.writeString(dir.resolve("agent-key.pem"), agentPems.key());
    CompletableFuture<String> plain = new CompletableFuture<>();
    ServerSocket local = kit.server(s -> {
      String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
      plain.complete(line);
      s.getOutputStream().write(("plain " + line + "\n").getBytes(StandardCharsets.UTF_8));
    });
    bind("term", local.getLocalPort(), crt.toString(), key.toString(), null);
    try (SSLSocket s = client(sslContext(agentPems.caCert(), null, null), "term.localhost")) {
      s.startHandshake();
      X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
      assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=term.localhost");
      assertThat(exchange(s, "secret")).isEqualTo("plain secret");
    }
    assertThat(plain.get(10, TimeUnit.SECONDS)).isEqualTo("secret");
  }

  @Test
  void clientCasRequireAValidClientCertificate() throws Exception {
    DevCertificates.Pems agentPems = DevCertificates.generate("mtls.localhost", List.of());
    DevCertificates.Pems clientPems = DevCertificates.generate("client.test", List.of());
    DevCertificates.Pems strangerPems = DevCertificates.generate("stranger.test", List.of());
    Path crt = Files.writeString(dir.resolve("agent.pem"), agentPems.cert());
    Path key = Files.writeString(dir.resolve("agent-key.pem"), agentPems.key());
    Path cas = Files.writeString(dir.resolve("client-cas.pem"), clientPems.caCert());
    AtomicInteger plainConnections = new AtomicInteger();
    ServerSocket local = kit.server(s -> {
      plainConnections.incrementAndGet();
      String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
      s.getOutputStream().write(("plain " + line + "\n").getBytes(StandardCharsets.UTF_8));
    });
    bind("mtls", local.getLocalPort(), crt.toString(), key.toString(), cas.toString());
    for (DevCertificates.Pems wrong : new DevCertificates.Pems[] {null, strangerPems}) {
      SSLContext ctx = sslContext(agentPems.caCert(), wrong == null ? null : wrong.cert(), wrong == null ? null : wrong.key());
      try (SSLSocket s = client(ctx, "mtls.localhost")) {
        s.setSoTimeout(10_000);
        // TLS 1.3 reports a refused client certificate after the client's Finished: at the first read at the latest
        assertThatThrownBy(() -> {
          s.startHandshake();
          String r = exchange(s, "let me in");
          if (r == null) {
            throw new java.io.EOFException("closed");
          }
        }).isInstanceOf(java.io.IOException.class);
      }
    }
    assertThat(plainConnections.get()).isZero();
    try (SSLSocket s = client(sslContext(agentPems.caCert(), clientPems.cert(), clientPems.key()), "mtls.localhost")) {
      assertThat(exchange(s, "with cert")).isEqualTo("plain with cert");
    }
    assertThat(plainConnections.get()).isEqualTo(1);
  }

  private SSLSocket client(SSLContext ctx, String sni) throws Exception {
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", kit.dev.edge.tlsPort());
    SSLParameters params = s.getSSLParameters();
    params.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
    s.setSSLParameters(params);
    s.setSoTimeout(20_000);
    return s;
  }

  private static String exchange(SSLSocket s, String line) throws Exception {
    OutputStream out = s.getOutputStream();
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
  }

  static SSLContext sslContext(String caPem, String certPem, String keyPem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", DevCertificates.readCertificate(caPem));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (certPem != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("me", DevCertificates.readPrivateKey(keyPem), new char[0],
          new Certificate[] {DevCertificates.readCertificate(certPem)});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

}
