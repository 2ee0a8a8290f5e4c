package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.config.TunnelDefinition;
import burrow.agent.session.EdgeSession;
import burrow.agent.session.SessionListener;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The config's {@code metadata} travels to the edge with the session, and the edge's record of it comes back. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionMetadataTest {
  @Test
  void metadataMakesTheRoundTrip(Vertx vertx) {
    DevStack dev = DevStack.start(vertx).await();
    EdgeSession agent = new EdgeSession(vertx, dev.sessionOptions().setMetadata(new JsonObject().put("metadata",
        "{\"team\":\"payments\"}")), List.of(TunnelDefinition.http("web", "127.0.0.1:1")), new SessionListener() { });
    try {
      agent.start().await();
      var states = agent.tunnelStates().await();
      assertThat(states).hasSize(1);
      assertThat(states.get(0).metadata()).isEqualTo("{\"team\":\"payments\"}");
    } finally {
      agent.close().await();
      dev.close().await();
    }
  }
}
