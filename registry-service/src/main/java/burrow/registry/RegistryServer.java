package burrow.registry;

import burrow.registry.api.RestApi;
import burrow.registry.store.RegistryMaps;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry as a service: a {@link Registry} plus its REST API and dashboard on one HTTP listener.
 * Three ways to run it:
 * <ul>
 *   <li>{@link #start(Vertx, HazelcastInstance, RegistryOptions)}: over a member the caller owns (tests, or an
 *       edge that built its own);</li>
 *   <li>{@link #start(Vertx, RegistryOptions)} on a clustered Vert.x with Hazelcast: in-process in an edge
 *       node, sharing its member;</li>
 *   <li>{@link #start(Vertx, RegistryOptions)} on a plain Vert.x: standalone, with an embedded member built
 *       from the options (closed again by {@link #close()}).</li>
 * </ul>
 */
public class RegistryServer {
  private static final Logger log = LoggerFactory.getLogger(RegistryServer.class);

  private final Registry registry;
  private final HttpServer http;
  private final HazelcastInstance ownedMember;
  private final Vertx vertx;

  private RegistryServer(Vertx vertx, Registry registry, HttpServer http, HazelcastInstance ownedMember) {
    this.vertx = vertx;
    this.registry = registry;
    this.http = http;
    this.ownedMember = ownedMember;
  }

  public static Future<RegistryServer> start(Vertx vertx, RegistryOptions options) {
    ClusterManager cm = vertx.isClustered() ? ((VertxInternal) vertx).clusterManager() : null;
    if (cm instanceof HazelcastClusterManager hcm && hcm.getHazelcastInstance() != null) {
      return start(vertx, hcm.getHazelcastInstance(), options, null);
    }
    return vertx.executeBlocking(() -> {
      if (options.getJdbcUrl() == null || options.getJdbcUrl().isBlank()) {
        Files.createDirectories(Path.of(options.getDataDir()));
      }
      return Hazelcast.newHazelcastInstance(RegistryMaps.memberConfig(options));
    }, false).compose(hz -> start(vertx, hz, options, hz).recover(err -> {
      hz.shutdown();
      return Future.failedFuture(err);
    }));
  }

  public static Future<RegistryServer> start(Vertx vertx, HazelcastInstance hz, RegistryOptions options) {
    return start(vertx, hz, options, null);
  }

  private static Future<RegistryServer> start(Vertx vertx, HazelcastInstance hz, RegistryOptions options,
                                              HazelcastInstance owned) {
    return Registry.create(vertx, hz, options).compose(registry -> {
      HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(options.getHost())
          .setPort(options.getPort()));
      return server.requestHandler(RestApi.router(vertx, registry)).listen()
          .map(s -> {
            log.atInfo().addKeyValue("host", options.getHost()).addKeyValue("port", s.actualPort())
                .addKeyValue("admin_api", options.getAdminToken() != null).log("registry listening");
            return new RegistryServer(vertx, registry, s, owned);
          })
          .recover(err -> {
            registry.close();
            return Future.failedFuture(err);
          });
    });
  }

  public Registry registry() {
    return registry;
  }

  /** @return the REST listener's port (useful when the options said 0) */
  public int actualPort() {
    return http.actualPort();
  }

  /** Stops the listener; shuts down the Hazelcast member only if this server started it. */
  public Future<Void> close() {
    return http.close().eventually(() -> {
      registry.close();
      if (ownedMember == null) {
        return Future.succeededFuture();
      }
      return vertx.executeBlocking(() -> {
        ownedMember.shutdown();
        return null;
      }, false);
    }).mapEmpty();
  }
}
