package burrow.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;

/**
 * A TCP listener whose connections are {@link ChannelSocket}s, all on one Vert.x event-loop context (the one given,
 * typically the agent session's, so a connection's bytes and its mux stream share a thread). Accepting runs on
 * Vert.x's acceptor loop, as for a Vert.x {@code NetServer}; see {@link ChannelSocket} for why not a NetServer.
 */
public final class ChannelServer {
  private final Channel channel;

  private ChannelServer(Channel channel) {
    this.channel = channel;
  }

  /**
   * Listens on {@code host:port} (port 0: any free port); {@code onAccept} gets each connection, paused, on
   * {@code context}. The host name is resolved with Vert.x's resolver, never blocking an event loop.
   */
  public static Future<ChannelServer> listen(ContextInternal context, String host, int port, int backlog,
      Handler<ChannelSocket> onAccept) {
    VertxInternal vertx = context.owner();
    return vertx.nameResolver().resolve(host).compose(ip -> {
      Promise<ChannelServer> promise = context.promise();
      ServerBootstrap b = new ServerBootstrap()
          .group(vertx.acceptorEventLoopGroup(), context.nettyEventLoop())
          .channelFactory(vertx.transport().serverChannelFactory(false))
          .option(ChannelOption.SO_REUSEADDR, true)
          .option(ChannelOption.SO_BACKLOG, backlog)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
              LoopbackTcp.tune(ch);
              ChannelSocket s = ChannelSocket.attach(context, ch);
              context.dispatch(s, onAccept);
            }
          });
      b.bind(new InetSocketAddress(ip, port)).addListener((ChannelFuture f) -> {
        if (f.isSuccess()) {
          promise.complete(new ChannelServer(f.channel()));
        } else {
          promise.fail(f.cause());
        }
      });
      return promise.future();
    });
  }

  /** @return the port listened on (the one the OS picked for port 0) */
  public int actualPort() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Stops accepting; connections already accepted go on. */
  public Future<Void> close() {
    Promise<Void> p = Promise.promise();
    channel.close().addListener(f -> p.complete());
    return p.future();
  }
}
