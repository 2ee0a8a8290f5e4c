package burrow.net;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Promise;

/** Netty channel steps the sockets of this package share. */
final class Channels {
  private Channels() {
  }

  /** Sends our FIN (shuts the channel's output) and completes {@code done} with the outcome. */
  static void shutdownOutput(Channel channel, Promise<Void> done) {
    if (!channel.isActive()) {
      done.tryFail("socket closed");
      return;
    }
    ((DuplexChannel) channel).shutdownOutput().addListener(f -> {
      if (f.isSuccess()) {
        done.tryComplete();
      } else {
        done.tryFail(f.cause());
      }
    });
  }
}
