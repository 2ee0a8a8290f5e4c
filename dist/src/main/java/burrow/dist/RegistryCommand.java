package burrow.dist;

import burrow.agent.cli.Version;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.registry.RegistryServer;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code burrow registry}: the registry on its own (REST API, dashboard, Hazelcast member, JDBC store). */
@Command(name = "registry", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = {"run the registry standalone: accounts, authtokens, reservations and IP whitelists",
        "The admin token comes from $BURROW_ADMIN_TOKEN (no admin API without it)."})
public final class RegistryCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  RegistryFlags registry = new RegistryFlags();

  @Option(names = "--domain", defaultValue = "localhost", description = "the edges' tunnel domain, for CNAME targets (default ${DEFAULT-VALUE})")
  String domain;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    System.setProperty("hazelcast.logging.type", "slf4j");
    Vertx vertx = Vertx.vertx();
    RegistryServer server;
    try {
      server = RegistryServer.start(vertx, registry.toOptions(domain)).await();
    } catch (Exception e) {
      spec.commandLine().getErr().println(BurrowException.of(e, ErrorCode.REG_STORE_FAILED).describe());
      vertx.close();
      return 1;
    }
    out.printf("burrow registry listening on %s:%d (dashboard /dashboard/, OpenAPI /openapi.yaml)%n",
        registry.host, server.actualPort());
    out.flush();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close().eventually(vertx::close).toCompletionStage().toCompletableFuture().join();
      stop.countDown();
    }, "burrow-registry-shutdown"));
    stop.await();
    return 0;
  }
}
