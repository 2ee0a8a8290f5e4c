package burrow.agent.inspect;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Completed captures as records in a circular log of direct memory, oldest first, with their index in a few primitive
 * arrays: no Java object per capture. The capturing agent's young collections used to copy every capture made since
 * the last one (each still held by the store), some 22 ms a pause under 15k requests a second and most of the
 * tunnel's p99; records here cost the collector nothing. Memory comes in {@value #SEGMENT_SIZE}-byte segments as the
 * log first reaches them, up to the store's capacity, and stays for reuse.
 *
 * <p>Not thread-safe: the {@link CaptureStore} calls it under its lock. Hand-written because what it needs (a bounded
 * log that drops its oldest records, found by sequence number) is a few arrays; a cache library would keep an object
 * per entry, which is what this avoids.
 */
final class CaptureRing {
  static final int SEGMENT_SHIFT = 22;
  static final int SEGMENT_SIZE = 1 << SEGMENT_SHIFT;  // 4 MiB
  private static final int SEGMENT_MASK = SEGMENT_SIZE - 1;

  private final long capacity;
  private final ByteBuffer[] segments;
  private long head;                                   // logical position of the oldest record
  private long tail;                                   // logical position after the newest record
  // the index, a circular array of records oldest first: first .. first + count - 1 (mod length)
  private long[] seqs = new long[256];
  private long[] starts = new long[256];
  private int[] lengths = new int[256];
  private int[] tunnels = new int[256];
  private int first;
  private int count;
  private long dropped;                                // records evicted or cleared ever: record i's number is dropped + i
  private final byte[] intBytes = new byte[4];         // Writer.putInt's (one writer at a time, under the store's lock)

  CaptureRing(long capacity) {
    this.capacity = Math.max(0, capacity);
    this.segments = new ByteBuffer[(int) ((this.capacity + SEGMENT_SIZE - 1) >>> SEGMENT_SHIFT)];
  }

  /** @return bytes the records take */
  long used() {
    return tail - head;
  }

  int size() {
    return count;
  }

  /** @return the oldest record's sequence number, or {@link Long#MAX_VALUE} when empty */
  long oldestSeq() {
    return count == 0 ? Long.MAX_VALUE : seqs[first];
  }

  /** @return the number of the oldest record: numbers only grow, so a record is still here while its number is */
  long firstNumber() {
    return dropped;
  }

  /** Drops the oldest record. */
  void evictOldest() {
    dropped++;
    head += lengths[first];
    first = (first + 1) % seqs.length;
    count--;
    if (count == 0) {
      head = tail = 0;                                  // start over at the first segment
      first = 0;
    }
  }

  void clear() {
    dropped += count;
    head = tail = 0;
    first = 0;
    count = 0;
  }

  /**
   * Starts a record of exactly {@code length} bytes; the caller has made room ({@code used() + length <= capacity})
   * and writes exactly that many bytes through the writer.
   *
   * @return the writer, or null if the JVM has no direct memory left for the log's next segment
   */
  Writer append(long seq, int tunnel, int length) {
    try {
      for (long p = tail; p < tail + length; p += room(physical(p))) {
        segment(physical(p));                          // take the memory first: a record is written whole or not at all
      }
    } catch (OutOfMemoryError e) {                     // direct memory (-XX:MaxDirectMemorySize) below inspect_db_size
      return null;
    }
    if (count == seqs.length) {
      grow();
    }
    int slot = (first + count) % seqs.length;
    seqs[slot] = seq;
    starts[slot] = tail;
    lengths[slot] = length;
    tunnels[slot] = tunnel;
    count++;
    Writer w = new Writer(tail);
    tail += length;
    return w;
  }

  private void grow() {
    int n = seqs.length;
    long[] s = new long[2 * n];
    long[] st = new long[2 * n];
    int[] l = new int[2 * n];
    int[] t = new int[2 * n];
    for (int i = 0; i < count; i++) {
      int from = (first + i) % n;
      s[i] = seqs[from];
      st[i] = starts[from];
      l[i] = lengths[from];
      t[i] = tunnels[from];
    }
    seqs = s;
    starts = st;
    lengths = l;
    tunnels = t;
    first = 0;
  }

  /** @return the index (0 = oldest) of the record whose sequence number ends in the 32 bits {@code seq} (as an id's), or -1 */
  int find(long seq) {
    for (int i = count - 1; i >= 0; i--) {             // newest first: what the API is asked for most
      if ((seqs[(first + i) % seqs.length] & 0xffffffffL) == seq) {
        return i;
      }
    }
    return -1;
  }

  long seqAt(int i) {
    return seqs[(first + i) % seqs.length];
  }

  int tunnelAt(int i) {
    return tunnels[(first + i) % seqs.length];
  }

  /** @return a copy of record {@code i} (0 = oldest) */
  byte[] read(int i) {
    int slot = (first + i) % seqs.length;
    byte[] out = new byte[lengths[slot]];
    long pos = starts[slot];
    int done = 0;
    while (done < out.length) {
      long p = physical(pos + done);
      int n = (int) Math.min(out.length - done, room(p));
      segment(p).get((int) (p & SEGMENT_MASK), out, done, n);
      done += n;
    }
    return out;
  }

  /** @return bytes from physical position {@code p} to the end of its segment or of the log, whichever is first */
  private long room(long p) {
    return Math.min(SEGMENT_SIZE - (p & SEGMENT_MASK), capacity - p);
  }

  private long physical(long logical) {
    return logical % capacity;
  }

  private ByteBuffer segment(long p) {
    int k = (int) (p >>> SEGMENT_SHIFT);
    ByteBuffer s = segments[k];
    if (s == null) {
      s = ByteBuffer.allocateDirect((int) Math.min(SEGMENT_SIZE, capacity - ((long) k << SEGMENT_SHIFT)));
      segments[k] = s;
    }
    return s;
  }

  /** @return direct bytes held (segments allocated so far) */
  long allocated() {
    return Arrays.stream(segments).filter(s -> s != null).mapToLong(ByteBuffer::capacity).sum();
  }

  /** Writes one record's bytes in order, across segment ends and the log's wrap. */
  final class Writer {
    private long pos;

    private Writer(long pos) {
      this.pos = pos;
    }

    Writer putInt(int v) {
      intBytes[0] = (byte) (v >>> 24);
      intBytes[1] = (byte) (v >>> 16);
      intBytes[2] = (byte) (v >>> 8);
      intBytes[3] = (byte) v;
      return put(intBytes, 0, 4);
    }

    Writer put(byte[] b, int off, int len) {
      int done = 0;
      while (done < len) {
        long p = physical(pos);
        int n = (int) Math.min(len - done, room(p));
        segment(p).put((int) (p & SEGMENT_MASK), b, off + done, n);
        done += n;
        pos += n;
      }
      return this;
    }

    /** Copies {@code len} readable bytes of {@code b} from its reader index, leaving its indexes as they were. */
    Writer put(ByteBuf b, int len) {
      int done = 0;
      while (done < len) {
        long p = physical(pos);
        int n = (int) Math.min(len - done, room(p));
        int at = (int) (p & SEGMENT_MASK);
        if (b.hasArray()) {                            // the forwarder's chunks: heap buffers, copied with no view
          segment(p).put(at, b.array(), b.arrayOffset() + b.readerIndex() + done, n);
        } else {
          b.getBytes(b.readerIndex() + done, segment(p).duplicate().limit(at + n).position(at));
        }
        done += n;
        pos += n;
      }
      return this;
    }
  }
}
