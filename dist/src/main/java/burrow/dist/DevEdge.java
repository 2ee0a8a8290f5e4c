package burrow.dist;

import burrow.agent.cli.EmbeddedEdge;
import burrow.agent.config.BurrowHome;
import burrow.edge.EdgeOptions;
import burrow.edge.EdgeServer;
import burrow.edge.admit.RegistryAuthenticator;
import burrow.registry.RegistryOptions;
import burrow.registry.RegistryServer;
import burrow.tls.DevCertificates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;

/**
 * The embedded dev edge: loopback only, domain {@code localhost}, certificates generated on first use under
 * {@code <burrow home>/dev}, and an in-process registry (H2 under {@code dev/data}) holding a local dev account whose
 * token the agent uses, so the quick start needs no set-up. If another burrow on this machine already runs it, the
 * agent joins that one (reading the dev token from {@code dev/token}).
 * Ports: 9080 (http), 9443 (https), 9444 (control), 9081 (registry API and dashboard), or the
 * {@code BURROW_DEV_HTTP_PORT}, {@code BURROW_DEV_HTTPS_PORT}, {@code BURROW_DEV_CONTROL_PORT},
 * {@code BURROW_DEV_REGISTRY_PORT} environment variables.
 */
public final class DevEdge implements EmbeddedEdge {
  /** Default port of the embedded registry's API and dashboard: 9081. */
  public static final int DEFAULT_REGISTRY_PORT = 9081;

  private EdgeServer server;
  private RegistryServer registry;

  @Override
  public Future<Endpoint> startOrJoin(Vertx vertx) {
    int http = port("BURROW_DEV_HTTP_PORT", EdgeOptions.DEFAULT_HTTP_PORT);
    int https = port("BURROW_DEV_HTTPS_PORT", EdgeOptions.DEFAULT_HTTPS_PORT);
    int control = port("BURROW_DEV_CONTROL_PORT", EdgeOptions.DEFAULT_CONTROL_PORT);
    int registryPort = port("BURROW_DEV_REGISTRY_PORT", DEFAULT_REGISTRY_PORT);
    int tls = port("BURROW_DEV_TLS_PORT", EdgeOptions.DEFAULT_TLS_PORT);
    Path dir = BurrowHome.dir().resolve("dev");
    return vertx.executeBlocking(() -> DevCertificates.ensure(dir, EdgeOptions.DEFAULT_DOMAIN))
        .compose(files -> probe(vertx, control).compose(running -> {
          String ca = read(files.caCert());
          if (running) {
            return join(vertx, dir, control, ca);
          }
          return startRegistry(vertx, dir, registryPort).compose(dev -> {
            EdgeOptions o = new EdgeOptions().setHost("127.0.0.1").setDomain(EdgeOptions.DEFAULT_DOMAIN)
                .setHttpPort(http).setHttpsPort(https).setControlPort(control)
                .setCaCertPath(files.caCert().toString()).setCaKeyPath(files.caKey().toString());
            server = new EdgeServer(vertx, o, new RegistryAuthenticator(registry.registry()));
            return server.start().map(s -> new Endpoint("127.0.0.1", control, ca, dev,
                "burrow: no server configured, started an embedded edge on 127.0.0.1 (domain localhost, http "
                    + s.httpPort() + ", https " + s.httpsPort() + ", registry " + registry.actualPort()
                    + ", CA " + files.caCert() + ")"));
          }).recover(err -> {
            // Another burrow won the race for the ports (or the registry's files): join it.
            Future<Void> undo = registry == null ? Future.succeededFuture() : registry.close();
            registry = null;
            return undo.transform(v -> probe(vertx, control))
                .compose(now -> now ? join(vertx, dir, control, ca) : Future.failedFuture(err));
          });
        }));
  }

  private Future<String> startRegistry(Vertx vertx, Path dir, int port) {
    System.setProperty("hazelcast.logging.type", "slf4j");
    RegistryOptions ro = new RegistryOptions().setHost("127.0.0.1").setPort(port)
        .setDataDir(dir.resolve("data").toString()).setClusterName("burrow-dev-" + UUID.randomUUID())
        .setClusterHost("127.0.0.1").setClusterPort(0).setClusterMembers(List.of()).setEdgeDomain("localhost");
    return RegistryServer.start(vertx, ro).compose(r -> {
      registry = r;
      return r.registry().createDevAccount();
    }).compose(dev -> vertx.executeBlocking(() -> {
      Path token = dir.resolve("token");
      Files.writeString(token, dev.token());
      try {
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      return dev.token();
    }));
  }

  private static Future<Endpoint> join(Vertx vertx, Path dir, int control, String ca) {
    return vertx.executeBlocking(() -> {
      Path token = dir.resolve("token");
      return Files.exists(token) ? Files.readString(token).trim() : null;
    }).map(token -> new Endpoint("127.0.0.1", control, ca, token,
        "burrow: joined the embedded edge already running on this machine (127.0.0.1:" + control + ")"));
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
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int port(String env, int def) {
    String v = System.getenv(env);
    return v == null || v.isBlank() ? def : Integer.parseInt(v.trim());
  }
}
