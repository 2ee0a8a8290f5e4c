package burrow.net;

import burrow.mux.MuxErrorCode;
import burrow.mux.MuxStream;

/**
 * Joins one TCP connection and one mux stream: bytes flow both ways with backpressure, a FIN on either side becomes
 * a FIN on the other (half-close: a client that shuts its write side still gets the whole reply), and a reset or
 * error on either side resets the other (a mux RST becomes a TCP RST and the other way round).
 */
public final class StreamBridge {
  private StreamBridge() {
  }

  /**
   * Starts both pipes; the socket should be paused and the stream's head already consumed. A socket that takes owned
   * buffers gets the stream's buffers without a copy ({@link MuxStream#deliverOwned()}).
   */
  public static void bridge(BridgeSocket socket, MuxStream stream) {
    if (socket.takesOwnedBuffers()) {
      stream.deliverOwned();
    }
    stream.resetHandler(code -> socket.reset());
    socket.closeHandler(v -> {
      if (!socket.closedCleanly()) {
        stream.reset(MuxErrorCode.CANCEL);
      }
    });
    socket.pipe().endOnFailure(false).to(stream).onFailure(err -> {
      stream.reset(MuxErrorCode.CANCEL);
      socket.reset();
    });
    DrainSafe.pipe(stream, socket).onFailure(err -> {
      socket.reset();
      stream.reset(MuxErrorCode.CANCEL);
    });
  }
}
