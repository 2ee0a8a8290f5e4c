package burrow.agent.session;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.net.ConnectException;

/** Says in one sentence why dialling the edge through a proxy failed (BRW-110); the reconnect loop keeps trying. */
final class ProxyErrors {
  private ProxyErrors() {
  }

  static BurrowException describe(SessionOptions options, Throwable err) {
    ProxyOptions p = options.getProxy();
    String proxy = (p.getType() == ProxyType.SOCKS5 ? "SOCKS5" : "HTTP") + " proxy " + p.getHost() + ":" + p.getPort();
    String edge = options.getServerHost() + ":" + options.getServerPort();
    String why = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    String msg;
    if (why.contains("status:")) { // netty's ProxyConnectException: the proxy answered, but not with a tunnel
      msg = "the " + proxy + " refused to connect us to the edge at " + edge + " (" + why
          + "); check the proxy's credentials and rules";
    } else if (err instanceof ConnectException || why.contains("Connection refused") || why.contains("timed out")) {
      msg = "cannot reach the " + proxy + " (" + why + "); check http_proxy/socks5_proxy";
    } else {
      msg = "the " + proxy + " did not connect us to the edge at " + edge + " (" + why + ")";
    }
    return new BurrowException(ErrorCode.PROXY_FAILED, msg);
  }
}
