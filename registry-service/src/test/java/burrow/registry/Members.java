package burrow.registry;

import burrow.registry.store.RegistryMaps;
import com.hazelcast.cluster.Address;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Hazelcast members for tests: TCP-IP on 127.0.0.1, multicast off, ephemeral ports, one cluster name per test. */
final class Members implements AutoCloseable {
  final String clusterName = "t-" + UUID.randomUUID();
  final List<HazelcastInstance> started = new ArrayList<>();
  private final RegistryOptions base;

  Members(RegistryOptions base) {
    this.base = base;
  }

  static RegistryOptions options(Path dataDir, String jdbcUrl) {
    return new RegistryOptions().setDataDir(dataDir.toString()).setJdbcUrl(jdbcUrl).setPort(0)
        .setClusterPort(0).setAdminToken("admin-secret").setEdgeDomain("burrow.test");
  }

  /** Starts a member that joins the members started so far (and still running). */
  HazelcastInstance start() {
    List<String> seeds = new ArrayList<>();
    for (HazelcastInstance m : started) {
      if (m.getLifecycleService().isRunning()) {
        Address a = m.getCluster().getLocalMember().getAddress();
        seeds.add(a.getHost() + ":" + a.getPort());
      }
    }
    RegistryOptions o = new RegistryOptions(base).setClusterName(clusterName).setClusterMembers(seeds);
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(RegistryMaps.memberConfig(o));
    started.add(hz);
    return hz;
  }

  @Override
  public void close() {
    for (HazelcastInstance m : started) {
      if (m.getLifecycleService().isRunning()) {
        m.shutdown();
      }
    }
    started.clear();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Throwable failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("expected the future to fail");
  }
}
