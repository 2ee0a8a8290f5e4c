package burrow.mux;

import io.netty.buffer.ByteBuf;

/**
 * The yamux frame header (hashicorp/yamux spec.md): version(8) type(8) flags(16) stream id(32) length(32),
 * big-endian, 12 bytes. See docs/PROTOCOL.md.
 */
public final class Frame {
  public static final int HEADER_SIZE = 12;
  public static final int VERSION = 0;

  public static final int TYPE_DATA = 0;
  public static final int TYPE_WINDOW_UPDATE = 1;
  public static final int TYPE_PING = 2;
  public static final int TYPE_GO_AWAY = 3;

  public static final int FLAG_SYN = 0x1;
  public static final int FLAG_ACK = 0x2;
  public static final int FLAG_FIN = 0x4;
  public static final int FLAG_RST = 0x8;

  private Frame() {
  }

  /** Appends a frame header to {@code out}; returns it. */
  public static ByteBuf writeHeader(ByteBuf out, int type, int flags, int streamId, long length) {
    out.writeByte(VERSION);
    out.writeByte(type);
    out.writeShort(flags);
    out.writeInt(streamId);
    out.writeInt((int) length);
    return out;
  }

  public static String typeName(int type) {
    return switch (type) {
      case TYPE_DATA -> "DATA";
      case TYPE_WINDOW_UPDATE -> "WINDOW_UPDATE";
      case TYPE_PING -> "PING";
      case TYPE_GO_AWAY -> "GO_AWAY";
      default -> "UNKNOWN(" + type + ")";
    };
  }
}
