package burrow.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.inspect.CaptureStore;
import burrow.agent.inspect.InspectOptions;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class WebServicePortTest {
  @Test
  void busyPortMovesToTheNextOne(Vertx vertx) {
    NetServer busy = vertx.createNetServer().connectHandler(so -> so.close()).listen(0, "127.0.0.1").await();
    int taken = busy.actualPort();
    InspectOptions o = new InspectOptions().setWebAddr("127.0.0.1:" + taken).setPortAttempts(5);
    WebService web = new WebService(vertx, o, new CaptureStore(o), null, null);
    int port = web.start().await();
    assertThat(port).isGreaterThan(taken).isLessThanOrEqualTo(taken + 4);
    web.close().await();
  }

  @Test
  void allBusyIsBrw109(Vertx vertx) {
    NetServer busy = vertx.createNetServer().connectHandler(so -> so.close()).listen(0, "127.0.0.1").await();
    InspectOptions o = new InspectOptions().setWebAddr("127.0.0.1:" + busy.actualPort()).setPortAttempts(1);
    WebService web = new WebService(vertx, o, new CaptureStore(o), null, null);
    Throwable err = null;
    try {
      web.start().await();
    } catch (burrow.error.BurrowException e) {
      err = e;
    }
    assertThat(err).isInstanceOf(burrow.error.BurrowException.class);
    assertThat(((burrow.error.BurrowException) err).code()).isEqualTo(burrow.error.ErrorCode.WEB_ADDR_IN_USE);
  }
}
