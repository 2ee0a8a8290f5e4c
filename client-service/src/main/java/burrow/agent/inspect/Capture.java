package burrow.agent.inspect;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One captured HTTP exchange, filled in while it streams: the request head at once, body bytes as they pass (up to a
 * cap), then the response. Written on the forwarder's context and read by the API on another, hence synchronized.
 * Its JSON is the manual's "Captured Request Detail", field for field, plus {@code replay_of} for replays.
 */
public final class Capture {
  /** Bytes charged for a head beyond its header text: the fixed fields. */
  static final int HEAD_OVERHEAD = 256;

  private final long seq;
  private final String id;
  private final String tunnelName;
  private final String remoteAddr;
  private final Instant start;
  private final long startNanos;                 // 0 for a capture read back from the ring
  private final String replayOf;
  private final String method;
  private final String uri;
  // Heads are kept in wire form (header lines as bytes) and turned back into maps only when shown: few objects per
  // capture in flight, and the form its record in the ring takes (see writeRecord). The record layout is written by
  // hand: it is a dozen fields, and a serialization library would add a dependency for what two methods do.
  private final byte[] requestHead;
  private final int headCost;
  private final Bytes requestBody;
  private boolean requestTruncated;
  private boolean requestComplete;
  private int statusCode;
  private String reason;
  private byte[] responseHead;                   // null until the response head arrives
  private final Bytes responseBody;
  private boolean responseTruncated;
  private boolean complete;
  private long durationNanos;
  private String error;
  long charged;                                  // bytes charged to the store; guarded by the store's lock
  boolean evicted;                               // no longer charged while in flight; guarded by the store's lock

  Capture(long seq, String id, String tunnelName, String remoteAddr, String method, String uri, MultiMap headers,
          String replayOf) {
    this.seq = seq;
    this.id = id;
    this.tunnelName = tunnelName;
    this.remoteAddr = remoteAddr;
    this.start = Instant.now();
    this.startNanos = System.nanoTime();
    this.method = method;
    this.uri = uri;
    Map<String, List<String>> h = canonical(headers);
    this.requestHead = encodeHeaders(h);
    this.headCost = HEAD_OVERHEAD + uri.length() + headerCost(h);
    this.replayOf = replayOf;
    this.requestBody = new Bytes();
    this.responseBody = new Bytes();
  }

  long seq() {
    return seq;
  }

  public String id() {
    return id;
  }

  public String tunnelName() {
    return tunnelName;
  }

  public String replayOf() {
    return replayOf;
  }

  public synchronized boolean isComplete() {
    return complete;
  }

  /** @return the bytes of head text this capture is charged for when it enters the store */
  int headCost() {
    return headCost;
  }

  static int headerCost(Map<String, List<String>> headers) {
    int n = 0;
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      for (String v : e.getValue()) {
        n += e.getKey().length() + v.length() + 4;
      }
    }
    return n;
  }

  synchronized void appendRequest(Buffer chunk) {
    requestBody.append(chunk);
  }

  synchronized void truncateRequest() {
    requestTruncated = true;
  }

  synchronized void requestEnded() {
    requestComplete = true;
  }

  synchronized void response(int status, String reason, Map<String, List<String>> headers) {
    this.statusCode = status;
    this.reason = reason;
    this.responseHead = encodeHeaders(headers);
  }

  synchronized void appendResponse(Buffer chunk) {
    responseBody.append(chunk);
  }

  synchronized void truncateResponse() {
    responseTruncated = true;
  }

  /** @return false if it was complete already */
  synchronized boolean finish(String error) {
    if (complete) {
      return false;
    }
    this.complete = true;
    this.error = error;
    this.durationNanos = System.nanoTime() - startNanos;
    return true;
  }

  synchronized int requestBodyLength() {
    return requestBody.length;
  }

  synchronized int responseBodyLength() {
    return responseBody.length;
  }

  /** @return whether the whole request, body included, was captured, so it can be replayed as is */
  public synchronized boolean replayable() {
    return requestComplete && !requestTruncated;
  }

  /** @return the request as it went to the local service: request line, headers, blank line, body */
  public synchronized Buffer rawRequest() {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(uri).append(" HTTP/1.1\r\n");
    return requestBody.appendTo(Buffer.buffer(sb.toString().getBytes(StandardCharsets.ISO_8859_1))
        .appendBytes(requestHead).appendBytes(CRLF));
  }

  synchronized Buffer rawResponse() {
    StringBuilder sb = new StringBuilder();
    sb.append("HTTP/1.1 ").append(statusCode).append(' ').append(reason == null ? "" : reason).append("\r\n");
    byte[] head = responseHead == null ? new byte[0] : responseHead;
    return responseBody.appendTo(Buffer.buffer(sb.toString().getBytes(StandardCharsets.ISO_8859_1))
        .appendBytes(head).appendBytes(CRLF));
  }

  private static final byte[] CRLF = {'\r', '\n'};

  /**
   * Writes this (complete) capture as one record: {@code int metaLength, meta, int requestBodyLength, request body,
   * int responseBodyLength, response body}, the meta holding every other field (see {@link #decode}).
   *
   * @param room given the record's length, a writer for exactly that many bytes, or null if it cannot be kept
   * @return whether it was written
   */
  synchronized boolean writeRecord(IntFunction<CaptureRing.Writer> room) {
    Buffer meta = Buffer.buffer(256).appendLong(start.getEpochSecond()).appendInt(start.getNano())
        .appendLong(durationNanos).appendInt(statusCode)
        .appendByte((byte) ((requestTruncated ? 1 : 0) | (requestComplete ? 2 : 0) | (responseTruncated ? 4 : 0)));
    for (String v : new String[] {tunnelName, remoteAddr, replayOf, method, uri, reason, error}) {
      putBytes(meta, v == null ? null : v.getBytes(StandardCharsets.UTF_8));
    }
    putBytes(meta, requestHead);
    putBytes(meta, responseHead);
    long length = 12L + meta.length() + requestBody.length + responseBody.length;
    CaptureRing.Writer w = length > Integer.MAX_VALUE ? null : room.apply((int) length);
    if (w == null) {
      return false;
    }
    w.putInt(meta.length()).put(((BufferInternal) meta).getByteBuf(), meta.length());
    requestBody.writeTo(w.putInt(requestBody.length));
    responseBody.writeTo(w.putInt(responseBody.length));
    return true;
  }

  private static void putBytes(Buffer out, byte[] b) {
    out.appendInt(b == null ? -1 : b.length);
    if (b != null) {
      out.appendBytes(b);
    }
  }

  /** The inverse of {@link #writeRecord}: a complete capture, read back from its record. */
  static Capture decode(long seq, String id, byte[] rec) {
    ByteBuffer r = ByteBuffer.wrap(rec);               // big-endian, as written
    int metaLength = r.getInt();
    Instant start = Instant.ofEpochSecond(r.getLong(), r.getInt());
    long duration = r.getLong();
    int status = r.getInt();
    byte flags = r.get();
    String[] s = new String[7];
    for (int i = 0; i < s.length; i++) {
      byte[] b = getBytes(r);
      s[i] = b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
    byte[] requestHead = getBytes(r);
    byte[] responseHead = getBytes(r);
    r.position(4 + metaLength);
    Bytes req = Bytes.of(getBytes(r));
    Bytes resp = Bytes.of(getBytes(r));
    return new Capture(seq, id, start, duration, status, flags, s, requestHead, responseHead, req, resp);
  }

  /** Reads a length-prefixed byte string at {@code r}'s position; a length of -1 is null. */
  private static byte[] getBytes(ByteBuffer r) {
    int n = r.getInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    r.get(b);
    return b;
  }

  private Capture(long seq, String id, Instant start, long durationNanos, int statusCode, byte flags, String[] s,
                  byte[] requestHead, byte[] responseHead, Bytes requestBody, Bytes responseBody) {
    this.seq = seq;
    this.id = id;
    this.start = start;
    this.startNanos = 0;
    this.durationNanos = durationNanos;
    this.statusCode = statusCode;
    this.requestTruncated = (flags & 1) != 0;
    this.requestComplete = (flags & 2) != 0;
    this.responseTruncated = (flags & 4) != 0;
    this.tunnelName = s[0];
    this.remoteAddr = s[1];
    this.replayOf = s[2];
    this.method = s[3];
    this.uri = s[4];
    this.reason = s[5];
    this.error = s[6];
    this.requestHead = requestHead;
    this.headCost = 0;
    this.responseHead = responseHead;
    this.requestBody = requestBody;
    this.responseBody = responseBody;
    this.complete = true;
  }

  /** Header lines in wire form, {@code Name: value\r\n} each, ISO-8859-1 as on the wire. */
  static byte[] encodeHeaders(Map<String, List<String>> headers) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      for (String v : e.getValue()) {
        sb.append(e.getKey()).append(": ").append(v).append("\r\n");
      }
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The inverse of {@link #encodeHeaders}: names in their order, values of one name together. */
  static Map<String, List<String>> decodeHeaders(byte[] lines) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String text = new String(lines, StandardCharsets.ISO_8859_1);
    int at = 0;
    while (at < text.length()) {
      int end = text.indexOf("\r\n", at);
      if (end < 0) {
        end = text.length();
      }
      int colon = text.indexOf(": ", at);
      if (colon > at && colon < end) {
        out.computeIfAbsent(text.substring(at, colon), k -> new ArrayList<>()).add(text.substring(colon + 2, end));
      }
      at = end + 2;
    }
    return out;
  }

  /**
   * A body while it streams: chunks of at least 4 KiB are kept as they arrived, without a copy (the forwarder's chunks
   * are fresh heap buffers nobody writes to again), smaller ones are copied together into arrays of up to 4 KiB, so a
   * body trickling in tiny pieces costs no object per piece. A body read back from
   * the ring is one array. The capture is written into the ring once complete, so none of this lives long.
   */
  private static final class Bytes {
    private static final int KEEP = 4096;
    private Object[] parts = new Object[2];         // a kept Buffer, or a byte[] holding lens[i] bytes
    private int[] lens = new int[2];
    private int count;
    private boolean open;                           // parts[count - 1] is a byte[] with room for more small chunks
    int length;

    static Bytes of(byte[] b) {
      Bytes out = new Bytes();
      if (b.length > 0) {
        out.add(b, b.length);
      }
      out.length = b.length;
      return out;
    }

    void append(Buffer chunk) {
      int n = chunk.length();
      length += n;
      if (n >= KEEP) {
        open = false;
        add(chunk, n);
        return;
      }
      if (open) {
        byte[] last = (byte[]) parts[count - 1];
        int used = lens[count - 1];
        if (used + n <= KEEP) {
          if (used + n > last.length) {               // grow by doubling up to KEEP: a 100-byte body takes 256
            last = Arrays.copyOf(last, Math.min(KEEP, Math.max(used + n, 2 * last.length)));
            parts[count - 1] = last;
          }
          chunk.getBytes(0, n, last, used);
          lens[count - 1] = used + n;
          return;
        }
      }
      byte[] fresh = new byte[Math.max(256, n)];
      chunk.getBytes(0, n, fresh, 0);
      add(fresh, n);
      open = true;
    }

    private void add(Object part, int n) {
      if (count == parts.length) {
        parts = Arrays.copyOf(parts, 2 * count);
        lens = Arrays.copyOf(lens, 2 * count);
      }
      parts[count] = part;
      lens[count++] = n;
    }

    void writeTo(CaptureRing.Writer w) {
      for (int i = 0; i < count; i++) {
        if (parts[i] instanceof byte[] b) {
          w.put(b, 0, lens[i]);
        } else {
          w.put(((BufferInternal) parts[i]).getByteBuf(), lens[i]);
        }
      }
    }

    Buffer appendTo(Buffer out) {
      for (int i = 0; i < count; i++) {
        if (parts[i] instanceof byte[] b) {
          out.appendBytes(b, 0, lens[i]);
        } else {
          out.appendBuffer((Buffer) parts[i]);
        }
      }
      return out;
    }
  }

  /** @param raw whether to include the base64 raw bytes (the detail and list resources both do, as ngrok) */
  public synchronized JsonObject toJson(boolean raw) {
    JsonObject req = new JsonObject().put("method", method).put("proto", "HTTP/1.1")
        .put("headers", headersJson(decodeHeaders(requestHead))).put("uri", uri);
    if (raw) {
      req.put("raw", base64(rawRequest()));
    }
    req.put("truncated", requestTruncated);
    JsonObject resp = null;
    if (responseHead != null) {
      resp = new JsonObject().put("status", statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason))
          .put("status_code", statusCode).put("proto", "HTTP/1.1").put("headers", headersJson(decodeHeaders(responseHead)));
      if (raw) {
        resp.put("raw", base64(rawResponse()));
      }
      resp.put("truncated", responseTruncated);
    }
    long duration = complete ? durationNanos : System.nanoTime() - startNanos;
    JsonObject j = new JsonObject().put("uri", "/api/requests/http/" + id).put("id", id).put("tunnel_name", tunnelName)
        .put("remote_addr", remoteAddr).put("start", RFC3339.format(OffsetDateTime.ofInstant(start.truncatedTo(ChronoUnit.SECONDS),
            ZoneId.systemDefault())))
        .put("duration", duration).put("request", req).put("response", resp);
    if (replayOf != null) {
      j.put("replay_of", replayOf);
    }
    if (error != null) {
      j.put("error", error);
    }
    return j;
  }

  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private static String base64(Buffer b) {
    return Base64.getEncoder().encodeToString(b.getBytes());
  }

  private static JsonObject headersJson(Map<String, List<String>> headers) {
    JsonObject o = new JsonObject();
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      o.put(e.getKey(), new JsonArray(new ArrayList<>(e.getValue())));
    }
    return o;
  }

  /** Headers keyed by Go's canonical form ({@code content-type} becomes {@code Content-Type}), as ngrok shows them. */
  static Map<String, List<String>> canonical(MultiMap headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : headers) {
      if (e.getKey().equalsIgnoreCase("transfer-encoding")) {
        continue;                                    // bodies are kept de-chunked; raw shows them plain
      }
      out.computeIfAbsent(canonicalName(e.getKey()), k -> new ArrayList<>()).add(e.getValue());
    }
    return out;
  }

  static String canonicalName(String name) {
    // Header names are ASCII tokens, so only ASCII letters change case (as in Go's CanonicalMIMEHeaderKey). Most names
    // arrive canonical already and are returned as they are: this runs for every header of every captured exchange.
    int n = name.length();
    boolean upper = true;
    int i = 0;
    while (i < n) {
      char c = name.charAt(i);
      if (c != (upper ? upperAscii(c) : lowerAscii(c))) {
        break;
      }
      upper = c == '-';
      i++;
    }
    if (i == n) {
      return name;
    }
    char[] out = name.toCharArray();
    for (int j = i; j < n; j++) {
      upper = j == 0 || out[j - 1] == '-';
      out[j] = upper ? upperAscii(out[j]) : lowerAscii(out[j]);
    }
    return new String(out);
  }

  private static char upperAscii(char c) {
    return c >= 'a' && c <= 'z' ? (char) (c - 32) : c;
  }

  private static char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }
}
