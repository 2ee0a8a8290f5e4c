package burrow.edge.cluster;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;

/**
 * The management port: {@code /healthz} (200 while the process serves), {@code /readyz} (200 once the node joined
 * the cluster and every listener is bound, 503 before and while draining) and {@code /metrics} (Prometheus text).
 * Kept off the public ports so a load balancer never exposes it.
 */
public final class ManagementServer {
  private final Vertx vertx;
  private final ClusterOptions options;
  private final PrometheusMeterRegistry metrics;
  private final BooleanSupplier ready;
  private HttpServer server;

  public ManagementServer(Vertx vertx, ClusterOptions options, PrometheusMeterRegistry metrics, BooleanSupplier ready) {
    this.vertx = vertx;
    this.options = options;
    this.metrics = metrics;
    this.ready = ready;
  }

  public Future<Integer> listen() {
    if (options.getManagementPort() < 0) {
      return Future.succeededFuture(-1);
    }
    server = vertx.createHttpServer(new HttpServerOptions().setHost(options.getManagementHost())
        .setPort(options.getManagementPort())).requestHandler(req -> {
          switch (req.path()) {
            case "/healthz" -> req.response().putHeader("content-type", "application/json")
                .end(new JsonObject().put("status", "ok").encode());
            case "/readyz" -> {
              boolean ok = ready.getAsBoolean();
              req.response().setStatusCode(ok ? 200 : 503).putHeader("content-type", "application/json")
                  .end(new JsonObject().put("ready", ok).encode());
            }
            case "/metrics" -> vertx.executeBlocking(metrics::scrape, false).onComplete(ar -> {
              if (ar.succeeded()) {
                req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
              } else {
                req.response().setStatusCode(500).end();
              }
            });
            default -> req.response().setStatusCode(404).end();
          }
        });
    return server.listen().map(HttpServer::actualPort);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
