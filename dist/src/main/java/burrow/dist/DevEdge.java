package burrow.dist;

import burrow.agent.cli.EmbeddedEdge;
import burrow.agent.config.BurrowHome;
import burrow.edge.EdgeOptions;
import burrow.edge.EdgeServer;
import burrow.edge.admit.Authenticator;
import burrow.tls.DevCertificates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded dev edge: loopback only, domain {@code localhost}, certificates generated on first use under
 * {@code <burrow home>/dev}. If another burrow on this machine already runs it, the agent joins that one.
 * Ports: 9080 (http), 9443 (https), 9444 (control), or {@code BURROW_DEV_HTTP_PORT}, {@code BURROW_DEV_HTTPS_PORT},
 * {@code BURROW_DEV_CONTROL_PORT}.
 */
public final class DevEdge implements EmbeddedEdge {
  private EdgeServer server;

  @Override
  public Future<Endpoint> startOrJoin(Vertx vertx) {
    int http = port("BURROW_DEV_HTTP_PORT", EdgeOptions.DEFAULT_HTTP_PORT);
    int https = port("BURROW_DEV_HTTPS_PORT", EdgeOptions.DEFAULT_HTTPS_PORT);
    int control = port("BURROW_DEV_CONTROL_PORT", EdgeOptions.DEFAULT_CONTROL_PORT);
    int tls = port("BURROW_DEV_TLS_PORT", EdgeOptions.DEFAULT_TLS_PORT);
    Path dir = BurrowHome.dir().resolve("dev");
    return vertx.executeBlocking(() -> {
      DevCertificates.Files3 f = DevCertificates.ensure(dir, EdgeOptions.DEFAULT_DOMAIN);
      return f;
    }).compose(files -> probe(vertx, control).compose(running -> {
      String ca = read(files.caCert());
      if (running) {
        return Future.succeededFuture(new Endpoint("127.0.0.1", control, ca,
            "burrow: joined the embedded edge already running on this machine (127.0.0.1:" + control + ")"));
      }
      EdgeOptions o = new EdgeOptions().setHost("127.0.0.1").setDomain(EdgeOptions.DEFAULT_DOMAIN)
          .setHttpPort(http).setHttpsPort(https).setControlPort(control).setTlsPort(tls)
          .setCaCertPath(files.caCert().toString()).setCaKeyPath(files.caKey().toString());
      server = new EdgeServer(vertx, o, Authenticator.acceptAll());
      return server.start().map(s -> new Endpoint("127.0.0.1", control, ca,
              "burrow: no server configured, started an embedded edge on 127.0.0.1 (domain localhost, http "
                  + s.httpPort() + ", https " + s.httpsPort() + ", tls " + s.tlsPort() + ", CA " + files.caCert() + ")"))
          // Another burrow won the race for the ports: join it.
          .recover(err -> probe(vertx, control).compose(now -> now
              ? Future.succeededFuture(new Endpoint("127.0.0.1", control, ca,
                  "burrow: joined the embedded edge already running on this machine (127.0.0.1:" + control + ")"))
              : Future.failedFuture(err)));
    }));
  }

  /** @return true if something accepts TCP connections on the control port (a running embedded edge) */
  private static Future<Boolean> probe(Vertx vertx, int port) {
    var client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2000));
    return client.connect(port, "127.0.0.1").compose(NetSocket::close).map(true).otherwise(false)
        .eventually(client::close);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int port(String env, int def) {
    String v = System.getenv(env);
    return v == null || v.isBlank() ? def : Integer.parseInt(v.trim());
  }
}
