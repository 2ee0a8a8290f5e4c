package burrow.dist;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The shape every end-to-end test shares: an edge on loopback, agents dialling it, upstream servers, all on port 0,
 * and everything closed after each test. Public requests go to 127.0.0.1 with the tunnel's host name in Host (and
 * SNI), so no DNS is needed for {@code *.localhost}.
 */
abstract class TunnelTestBase {
  DevStack dev;
  final List<EdgeSession> agents = new ArrayList<>();
  final List<HttpServer> upstreams = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (EdgeSession a : agents) {
      a.close().await();
    }
    if (dev != null) {
      dev.close().await();
    }
    for (HttpServer s : upstreams) {
      s.close().await();
    }
  }

  Future<HttpServer> upstream(Vertx vertx, io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> handler) {
    return vertx.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1").onSuccess(upstreams::add);
  }

  EdgeSession agent(TunnelDefinition... tunnels) {
    EdgeSession a = dev.agent(List.of(tunnels));
    agents.add(a);
    return a;
  }

  /** Starts an agent with one tunnel and returns its URL for {@code scheme}. */
  Future<URI> tunnel(TunnelDefinition t, String scheme) {
    return agent(t).start().map(urls -> url(urls, t.name(), scheme));
  }

  static URI url(Map<String, List<String>> urls, String tunnel, String scheme) {
    return URI.create(urls.get(tunnel).stream().filter(s -> s.startsWith(scheme + ":")).findFirst()
        .orElseThrow(() -> new AssertionError("no " + scheme + " URL in " + urls)));
  }

  static TunnelDefinition http(String name, int port) {
    return TunnelDefinition.http(name, "127.0.0.1:" + port);
  }

  static TunnelDefinition with(TunnelDefinition t, String auth, String hostHeader, String bindTls, String subdomain) {
    return new TunnelDefinition(t.name(), t.proto(), t.addr(), subdomain, t.hostname(), auth, hostHeader, bindTls,
        t.inspect(), t.remoteAddr(), t.crt(), t.key(), t.clientCas(), t.proxyProto());
  }

  /** A request for {@code path} on a public URL: Host (and SNI) name the tunnel, the socket goes to 127.0.0.1. */
  static RequestOptions to(URI u, HttpMethod method, String path) {
    return new RequestOptions().setMethod(method).setHost(u.getHost()).setPort(u.getPort()).setURI(path)
        .setSsl(u.getScheme().equals("https")).setServer(SocketAddress.inetSocketAddress(u.getPort(), "127.0.0.1"));
  }
}
