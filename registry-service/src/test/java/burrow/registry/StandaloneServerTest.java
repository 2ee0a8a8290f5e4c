package burrow.registry;

import static burrow.registry.Members.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RegistryServer on a plain Vert.x starts its own member; a restart on the same data dir keeps the dev token. */
class StandaloneServerTest {
  @TempDir Path dir;

  @Test
  void devTokenSurvivesARestart() {
    Vertx vertx = Vertx.vertx();
    try {
      RegistryOptions o = new RegistryOptions().setDataDir(dir.resolve("data").toString()).setPort(0)
          .setClusterPort(0).setClusterName("t-" + UUID.randomUUID());
      RegistryServer first = await(RegistryServer.start(vertx, o));
      String token = await(first.registry().createDevAccount()).token();
      await(first.close());
      assertThat(dir.resolve("data/registry.mv.db")).exists();
      RegistryServer second = await(RegistryServer.start(vertx, o));
      assertThat(await(second.registry().createDevAccount()).token()).isEqualTo(token);
      assertThat(await(second.registry().authenticate(token, "127.0.0.1")).name()).isEqualTo("dev");
      await(second.close());
    } finally {
      await(vertx.close());
    }
  }
}
