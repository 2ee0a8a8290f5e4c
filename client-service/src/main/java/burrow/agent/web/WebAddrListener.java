package burrow.agent.web;

import burrow.agent.log.Lifecycle;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.net.BindException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the local web interface on {@code web_addr}; when the port is in use, says which and tries the next one, as
 * ngrok 2 does (4040, 4041, ...), up to {@link #DEFAULT_TRIES} ports. On success logs
 * {@code msg="starting web service" obj=web addr=127.0.0.1:4040}. For the web/API engineer: call this instead of
 * {@code server.listen(..)}.
 */
public final class WebAddrListener {
  private static final Logger log = LoggerFactory.getLogger(WebAddrListener.class);
  /** Ports tried from web_addr's port upwards: 10. */
  public static final int DEFAULT_TRIES = 10;

  private WebAddrListener() {
  }

  /** @param servers makes a fresh server for each attempt (a server whose listen failed is not reused) */
  public static Future<HttpServer> listen(Supplier<HttpServer> servers, String webAddr) {
    return listen(servers, webAddr, DEFAULT_TRIES);
  }

  public static Future<HttpServer> listen(Supplier<HttpServer> servers, String webAddr, int tries) {
    int colon = webAddr.lastIndexOf(':');
    if (colon < 0) {
      return Future.failedFuture(new BurrowException(ErrorCode.CONFIG_INVALID, "web_addr \"" + webAddr + "\" is not host:port"));
    }
    String host = webAddr.substring(0, colon).replace("[", "").replace("]", "");
    int port;
    try {
      port = Integer.parseInt(webAddr.substring(colon + 1));
    } catch (NumberFormatException e) {
      return Future.failedFuture(new BurrowException(ErrorCode.CONFIG_INVALID, "web_addr \"" + webAddr + "\" is not host:port"));
    }
    return attempt(servers, host, port, port, tries);
  }

  private static Future<HttpServer> attempt(Supplier<HttpServer> servers, String host, int first, int port, int tries) {
    HttpServer server = servers.get();
    return server.listen(port, host).map(s -> {
      Lifecycle.startingWebService(host + ":" + s.actualPort());
      return s;
    }).recover(err -> {
      server.close();
      boolean inUse = err instanceof BindException || String.valueOf(err.getMessage()).contains("in use");
      if (!inUse) {
        return Future.failedFuture(new BurrowException(ErrorCode.WEB_ADDR_IN_USE,
            "cannot listen on web_addr " + host + ":" + port + ": " + err.getMessage()));
      }
      if (port == 0 || port - first + 1 >= tries || port >= 65535) {
        return Future.failedFuture(new BurrowException(ErrorCode.WEB_ADDR_IN_USE, "web_addr " + host + ":" + first
            + (port > first ? " to " + port : "") + " already in use: stop what listens there, or set web_addr in the config file"));
      }
      log.atWarn().addKeyValue("obj", "web").addKeyValue("code", ErrorCode.WEB_ADDR_IN_USE.code())
          .addKeyValue("addr", host + ":" + port).addKeyValue("next", host + ":" + (port + 1))
          .log("web_addr already in use, trying the next port");
      return attempt(servers, host, first, port + 1, tries);
    });
  }
}
