package burrow.edge;

import burrow.edge.admit.Authenticator;
import burrow.edge.front.HttpFrontend;
import burrow.edge.front.TcpFrontend;
import burrow.edge.front.TlsFrontend;
import burrow.edge.route.RemoteRoutes;
import burrow.edge.route.RouteTable;
import burrow.edge.session.AgentSession;
import burrow.edge.session.ControlListener;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.proto.TunnelSpec;
import burrow.tls.DevCertificates;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import burrow.tls.MintingKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An edge node: the control port for agents and the public HTTP and HTTPS listeners, each served by several
 * event-loop verticle instances. {@link #start()} completes when every listener is bound.
 */
public final class EdgeServer {
  private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);

  private final Vertx vertx;
  private final EdgeOptions options;
  private final Authenticator authenticator;
  private final RouteTable routes;
  private final List<String> deployments = new ArrayList<>();
  private volatile int httpPort = -1;
  private volatile int httpsPort = -1;
  private volatile int controlPort = -1;
  private volatile int tlsPort = -1;
  private final TcpFrontend tcp;
  private final TlsFrontend tls;
  private KeyCertOptions keyCert;
  private volatile String generatedCaPem;
  private volatile RemoteRoutes remote;

  public EdgeServer(Vertx vertx, EdgeOptions options, Authenticator authenticator) {
    this.vertx = vertx;
    this.options = options;
    this.authenticator = authenticator;
    this.routes = new RouteTable(options.getDomain(), options.getNameLease(), System::currentTimeMillis);
    this.tcp = new TcpFrontend(vertx, options, System::currentTimeMillis);
    this.tls = new TlsFrontend(vertx, new RouteTable(options.getDomain(), options.getNameLease(),
        System::currentTimeMillis), options, () -> tlsPort);
  }

  /** @return the SNI names bound by tls tunnels */
  public RouteTable tlsRoutes() {
    return tls.names();
  }

  public TcpFrontend tcp() {
    return tcp;
  }

  public TlsFrontend tls() {
    return tls;
  }

  public int tlsPort() {
    return tlsPort;
  }

  /** Where the public listeners look up hosts this node does not hold (the cluster); set before {@link #start()}. */
  public EdgeServer remoteRoutes(RemoteRoutes remote) {
    this.remote = remote;
    return this;
  }

  public RouteTable routes() {
    return routes;
  }

  public int httpPort() {
    return httpPort;
  }

  public int httpsPort() {
    return httpsPort;
  }

  public int controlPort() {
    return controlPort;
  }

  /** @return the CA that signed the certificate this edge generated for itself (no cert configured), or null */
  public String generatedCaPem() {
    return generatedCaPem;
  }

  public EdgeOptions options() {
    return options;
  }

  /** Binds every listener; fails with EDGE_START_FAILED naming the port when one cannot be bound. */
  public Future<EdgeServer> start() {
    return vertx.executeBlocking(this::loadKeyCert)
        .compose(kc -> {
          keyCert = kc;
          return deployControl();
        })
        .compose(v -> options.getHttpPort() < 0 ? Future.succeededFuture()
            : deployHttp("http", options.getHttpPort()).onSuccess(p -> httpPort = p))
        .compose(v -> options.getHttpsPort() < 0 ? Future.succeededFuture()
            : deployHttp("https", options.getHttpsPort()).onSuccess(p -> httpsPort = p))
        .compose(v -> options.getTlsPort() < 0 ? Future.succeededFuture() : deployTls().onSuccess(p -> tlsPort = p))
        .map(v -> {
          log.atInfo().addKeyValue("domain", options.getDomain()).addKeyValue("http", httpPort)
              .addKeyValue("https", httpsPort).addKeyValue("tls", tlsPort).addKeyValue("control", controlPort).log("edge listening");
          return this;
        })
        .recover(err -> close().transform(ar -> Future.failedFuture(err)));
  }

  private KeyCertOptions loadKeyCert() throws Exception {
    if (options.getCertPath() != null) {
      for (String p : List.of(options.getCertPath(), options.getKeyPath() == null ? "" : options.getKeyPath())) {
        if (p.isEmpty() || !Files.isReadable(Path.of(p))) {
          throw new BurrowException(ErrorCode.BAD_CERTIFICATE, "cannot read certificate or key file \"" + p + "\"");
        }
      }
      DevCertificates.readCertificate(Files.readString(Path.of(options.getCertPath())));
      DevCertificates.readPrivateKey(Files.readString(Path.of(options.getKeyPath())));
      return new PemKeyCertOptions().setCertPath(options.getCertPath()).setKeyPath(options.getKeyPath());
    }
    if (options.getCaCertPath() != null) {
      return MintingKeyCertOptions.fromPem(Files.readString(Path.of(options.getCaCertPath())),
          Files.readString(Path.of(options.getCaKeyPath())), options.getDomain());
    }
    DevCertificates.Pems pems = DevCertificates.generate(options.getDomain(), List.of("127.0.0.1"));
    generatedCaPem = pems.caCert();
    return MintingKeyCertOptions.fromPem(pems.caCert(), pems.caKey(), options.getDomain());
  }

  private boolean openSsl() {
    return options.isOpenSsl() && OpenSSLEngineOptions.isAvailable();
  }

  private Future<Void> deployControl() {
    NetServerOptions so = new NetServerOptions().setHost(options.getHost()).setSsl(true).setKeyCertOptions(keyCert)
        .setSslHandshakeTimeout(10).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS).setTcpNoDelay(true)
        .setIdleTimeout(0);
    if (openSsl()) {
      so.setSslEngineOptions(new OpenSSLEngineOptions());
    }
    AgentSession.UrlFormatter urls = this::urls;
    return deployShared(options.getControlPort(), port -> new VerticleBase() {
      ControlListener listener;

      @Override
      public Future<?> start() {
        listener = new ControlListener(vertx, options, new NetServerOptions(so).setPort(port), authenticator, routes, urls,
            java.util.Map.of("tcp", tcp, "tls", tls));
        return listener.listen().map(s -> s.actualPort());
      }
    }).onSuccess(p -> controlPort = p).mapEmpty();
  }

  private Future<Integer> deployHttp(String scheme, int port) {
    HttpServerOptions so = new HttpServerOptions().setHost(options.getHost()).setTcpNoDelay(true)
        .setMaxHeaderSize(options.getMaxHeaderSize()).setHandle100ContinueAutomatically(true)
        .setCompressionSupported(false).setDecompressionSupported(false).setIdleTimeout(0)
        .setMaxChunkSize(64 * 1024);            // request body pieces of up to 64 KiB (8 KiB by default)
    if (scheme.equals("https")) {
      so.setSsl(true).setKeyCertOptions(keyCert).setUseAlpn(true).setSni(true)
          .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
      if (openSsl()) {
        so.setSslEngineOptions(new OpenSSLEngineOptions());
      }
    }
    HttpFrontend frontend = new HttpFrontend(routes, scheme, authenticator, remote);
    return deployShared(port, p -> new VerticleBase() {
      @Override
      public Future<?> start() {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions(so).setPort(p)).requestHandler(frontend);
        return server.listen().map(HttpServer::actualPort);
      }
    });
  }

  /** The SNI-routing TLS listener: a raw NetServer, TLS is not terminated here. */
  private Future<Integer> deployTls() {
    NetServerOptions so = new NetServerOptions().setHost(options.getHost()).setTcpNoDelay(true).setIdleTimeout(0);
    return deployShared(options.getTlsPort(), p -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createNetServer(new NetServerOptions(so).setPort(p)).connectHandler(tls).listen()
            .map(s -> s.actualPort());
      }
    });
  }

  /** A verticle factory for a listener on a given port; its start future holds the bound port. */
  private interface ListenerVerticle {
    VerticleBase create(int port);
  }

  /**
   * Deploys the listener in {@code instances} verticles: Vert.x shares one listening socket among servers of one
   * deployment on the same port and spreads connections over them. Vert.x 5 does not share port 0, so port 0 is
   * first resolved to a free port (bind, then close).
   */
  private Future<Integer> deployShared(int requested, ListenerVerticle factory) {
    int port;
    try {
      port = requested == 0 && options.getInstances() > 1 ? freePort(options.getHost()) : requested;
    } catch (java.io.IOException e) {
      return Future.failedFuture(new BurrowException(ErrorCode.EDGE_START_FAILED, "no free port: " + e.getMessage()));
    }
    java.util.Set<Integer> ports = java.util.concurrent.ConcurrentHashMap.newKeySet();
    return vertx.deployVerticle(() -> {
          VerticleBase v = factory.create(port);
          return new VerticleBase() {
            @Override
            public Future<?> start() throws Exception {
              v.init(vertx, context);
              return v.start().onSuccess(p -> ports.add((Integer) p));
            }

            @Override
            public Future<?> stop() throws Exception {
              return v.stop();
            }
          };
        }, new DeploymentOptions().setInstances(options.getInstances()))
        .recover(err -> Future.failedFuture(new BurrowException(ErrorCode.EDGE_START_FAILED,
            "cannot listen on " + options.getHost() + ":" + port + ": " + err.getMessage())))
        .compose(id -> {
          deployments.add(id);
          if (ports.size() != 1) {
            return Future.failedFuture(new BurrowException(ErrorCode.EDGE_START_FAILED,
                "listener instances bound different ports " + ports));
          }
          return Future.succeededFuture(ports.iterator().next());
        });
  }

  private static int freePort(String host) throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return s.getLocalPort();
    }
  }

  /** The public URLs of a host, with the port when it is not the scheme's default. */
  public List<String> urls(String host, TunnelSpec spec) {
    List<String> out = new ArrayList<>();
    int hp = options.getPublicHttpPort() > 0 ? options.getPublicHttpPort() : httpPort;
    int sp = options.getPublicHttpsPort() > 0 ? options.getPublicHttpsPort() : httpsPort;
    if (spec.wantsHttps() && sp > 0) {
      out.add("https://" + host + (sp == 443 ? "" : ":" + sp));
    }
    if (spec.wantsHttp() && hp > 0) {
      out.add("http://" + host + (hp == 80 ? "" : ":" + hp));
    }
    return out;
  }

  public Future<Void> close() {
    List<Future<?>> fs = new ArrayList<>();
    for (String id : deployments) {
      fs.add(vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    deployments.clear();
    return Future.join(fs).mapEmpty();
  }
}
