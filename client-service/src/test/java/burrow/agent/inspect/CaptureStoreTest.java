package burrow.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureStoreTest {
  static Capture begin(CaptureStore s, String uri) {
    return s.begin("web", "127.0.0.1", "POST", uri, HttpHeaders.headers().add("content-type", "text/plain"), null);
  }

  @Test
  void evictsOldestAndNeverExceedsCapacity() {
    CaptureStore s = new CaptureStore(new InspectOptions().setDbSize(100_000).setMaxBody(30_000));
    List<CaptureStore.Event> events = new ArrayList<>();
    s.listen(events::add);
    for (int i = 0; i < 20; i++) {
      Capture c = begin(s, "/" + i);
      CaptureTap tap = new CaptureTap(s, c);
      for (int k = 0; k < 10; k++) {
        tap.requestChunk(Buffer.buffer(new byte[4096]));
        assertThat(s.used()).isLessThanOrEqualTo(100_000);
      }
      tap.requestEnd();
      tap.response(200, "OK", HttpHeaders.headers().add("content-length", "0"));
      tap.responseEnd();
    }
    assertThat(s.highWater()).isLessThanOrEqualTo(100_000);
    List<Capture> kept = s.list(0, null);
    assertThat(kept.get(0).toJson(false).getJsonObject("request").getString("uri")).isEqualTo("/19");
    assertThat(kept).hasSizeLessThan(20);
    // each body stopped at exactly the 30 000-byte cap and says so
    assertThat(kept.get(0).requestBodyLength()).isEqualTo(30_000);
    assertThat(kept.get(0).toJson(false).getJsonObject("request").getBoolean("truncated")).isTrue();
    assertThat(kept.get(0).replayable()).isFalse();
    assertThat(events).extracting(CaptureStore.Event::change).contains(CaptureStore.Change.ADDED, CaptureStore.Change.UPDATED);
  }

  /** Names are shown in Go's canonical form, as ngrok shows them; a canonical name comes back as the same string. */
  @Test
  void headerNamesAreCanonical() {
    assertThat(Capture.canonicalName("content-type")).isEqualTo("Content-Type");
    assertThat(Capture.canonicalName("X-FORWARDED-FOR")).isEqualTo("X-Forwarded-For");
    assertThat(Capture.canonicalName("etag")).isEqualTo("Etag");
    assertThat(Capture.canonicalName("x--y")).isEqualTo("X--Y");
    assertThat(Capture.canonicalName("hOST")).isEqualTo("Host");
    assertThat(Capture.canonicalName("x-ümlaut")).isEqualTo("X-ümlaut");
    String canonical = "Content-Length";
    assertThat(Capture.canonicalName(canonical)).isSameAs(canonical);
  }

  /** Heads are kept in wire form and read back as they were: order, repeated names, values holding ": ". */
  @Test
  void headLinesRoundTrip() {
    var h = new java.util.LinkedHashMap<String, List<String>>();
    h.put("Set-Cookie", List.of("a=1", "b=2"));
    h.put("X-Note", List.of("time: 12:00"));
    h.put("Empty", List.of(""));
    assertThat(Capture.decodeHeaders(Capture.encodeHeaders(h))).isEqualTo(h);
    assertThat(Capture.decodeHeaders(new byte[0])).isEmpty();
  }

  @Test
  void headersAreCanonicalAndRawIsTheWireForm() {
    CaptureStore s = new CaptureStore(new InspectOptions());
    Capture c = s.begin("web (http)", "10.0.0.1", "GET", "/a?b=1",
        HttpHeaders.headers().add("x-forwarded-for", "10.0.0.1").add("Host", "h.localhost"), null);
    CaptureTap tap = new CaptureTap(s, c);
    tap.requestEnd();
    tap.response(404, "Not Found", HttpHeaders.headers().add("content-type", "text/plain").add("transfer-encoding", "chunked"));
    tap.responseChunk(Buffer.buffer("nope"));
    tap.responseEnd();
    var j = c.toJson(true);
    assertThat(j.getJsonObject("request").getJsonObject("headers").fieldNames()).containsExactly("X-Forwarded-For", "Host");
    assertThat(j.getJsonObject("response").getString("status")).isEqualTo("404 Not Found");
    assertThat(j.getJsonObject("response").getJsonObject("headers").fieldNames()).containsExactly("Content-Type");
    assertThat(new String(java.util.Base64.getDecoder().decode(j.getJsonObject("response").getString("raw"))))
        .isEqualTo("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope");
    assertThat(c.replayable()).isTrue();
    assertThat(j.getString("id")).matches("[0-9a-f]{16}");
  }

  @Test
  void minusOneDisables() {
    CaptureStore s = new CaptureStore(new InspectOptions().setDbSize(-1));
    assertThat(s.enabled()).isFalse();
    assertThat(begin(s, "/x")).isNull();
    assertThat(new InspectObserver(s).begin(burrow.agent.config.TunnelDefinition.http("web", "80"),
        new io.vertx.core.json.JsonObject().put("m", "GET").put("u", "/"), HttpHeaders.headers())).isNull();
  }

  @Test
  void clearEmptiesAndReleases() {
    CaptureStore s = new CaptureStore(new InspectOptions());
    begin(s, "/1");
    begin(s, "/2");
    s.clear();
    assertThat(s.size()).isZero();
    assertThat(s.used()).isZero();
  }

  /** Completes an exchange with a request body and a response body, each fed as chunks of {@code chunk} bytes. */
  static Capture exchange(CaptureStore s, String tunnel, String uri, int requestBytes, int responseBytes, int chunk) {
    Capture c = s.begin(tunnel, "10.0.0.7", "POST", uri, HttpHeaders.headers().add("x-n", uri), null);
    CaptureTap tap = new CaptureTap(s, c);
    feed(requestBytes, chunk, uri.hashCode(), tap::requestChunk);
    tap.requestEnd();
    tap.response(201, "Created", HttpHeaders.headers().add("content-type", "application/octet-stream"));
    feed(responseBytes, chunk, ~uri.hashCode(), tap::responseChunk);
    tap.responseEnd();
    return c;
  }

  static void feed(int total, int chunk, int seed, java.util.function.Consumer<Buffer> to) {
    java.util.Random r = new java.util.Random(seed);
    for (int done = 0; done < total; done += chunk) {
      byte[] b = new byte[Math.min(chunk, total - done)];
      r.nextBytes(b);
      to.accept(Buffer.buffer(b));
    }
  }

  /**
   * Complete captures are kept as records in direct memory and read back whole: 1 MiB bodies in 64 KiB chunks and
   * small ones, through a 10 MB store, so records wrap around the log's end and cross its 4 MiB segments.
   */
  @Test
  void storedCapturesReadBackAsTheyWereCaptured() {
    CaptureStore s = new CaptureStore(new InspectOptions().setDbSize(10_000_000));
    for (int i = 0; i < 40; i++) {
      int big = i % 3 == 0 ? 100 : 1 << 20;
      Capture c = exchange(s, "web", "/x/" + i, i % 5 * 1000, big, 64 * 1024);
      assertThat(s.used()).isLessThanOrEqualTo(10_000_000);
      Capture back = s.get(c.id());
      assertThat(back).isNotSameAs(c);
      assertThat(back.toJson(true)).isEqualTo(c.toJson(true));
      assertThat(back.rawRequest()).isEqualTo(c.rawRequest());
      assertThat(back.replayable()).isTrue();
      assertThat(back.isComplete()).isTrue();
    }
    assertThat(s.highWater()).isLessThanOrEqualTo(10_000_000).isGreaterThan(9_000_000);
    assertThat(s.directBytes()).isEqualTo(10_000_000);
    List<Capture> all = s.list(0, null);
    assertThat(all.size()).isEqualTo(s.size()).isBetween(5, 20);
    assertThat(all.get(0).toJson(false).getJsonObject("request").getString("uri")).isEqualTo("/x/39");
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).id()).isLessThan(all.get(i - 1).id());
    }
    assertThat(s.list(3, null)).extracting(Capture::id).containsExactlyElementsOf(all.subList(0, 3).stream()
        .map(Capture::id).toList());
  }

  /** The direct memory is taken as the log reaches it: one small capture in a 50 MB store takes one segment. */
  @Test
  void directMemoryIsTakenAsNeeded() {
    CaptureStore s = new CaptureStore(new InspectOptions());
    assertThat(s.directBytes()).isZero();
    exchange(s, "web", "/", 10, 10, 10);
    assertThat(s.directBytes()).isEqualTo(CaptureRing.SEGMENT_SIZE);
  }

  /** Captures in flight and stored ones list together, newest first, and filter by tunnel; ids that are not are null. */
  @Test
  void inFlightAndStoredListNewestFirst() {
    CaptureStore s = new CaptureStore(new InspectOptions());
    Capture a = begin(s, "/a");                                   // a long poll: still in flight
    Capture b = exchange(s, "web (http)", "/b", 0, 5, 5);
    Capture c = begin(s, "/c");
    assertThat(s.list(0, null)).extracting(Capture::id).containsExactly(c.id(), b.id(), a.id());
    assertThat(s.list(0, "web (http)")).extracting(Capture::id).containsExactly(b.id());
    assertThat(s.list(0, "nope")).isEmpty();
    assertThat(s.get(a.id())).isSameAs(a);
    assertThat(s.get(b.id()).toJson(true)).isEqualTo(b.toJson(true));
    assertThat(s.get(b.id().substring(0, 8) + "ffffffff")).isNull();
    assertThat(s.get("not-an-id")).isNull();
    assertThat(s.get("zzzzzzzzzzzzzzzz")).isNull();
    assertThat(s.size()).isEqualTo(3);
  }

  /** Room is made by evicting the oldest capture, whether it is stored or still in flight. */
  @Test
  void evictsTheOldestWhetherStoredOrInFlight() {
    CaptureStore s = new CaptureStore(new InspectOptions().setDbSize(40_000));
    Capture poll = begin(s, "/poll");                             // oldest, in flight
    Capture first = exchange(s, "web", "/1", 0, 15_000, 5_000);
    Capture second = exchange(s, "web", "/2", 0, 15_000, 5_000);
    Capture third = exchange(s, "web", "/3", 0, 15_000, 5_000);  // needs room: the poll goes, then /1
    assertThat(s.get(poll.id())).isNull();
    assertThat(s.get(first.id())).isNull();
    assertThat(s.list(0, null)).extracting(Capture::id).containsExactly(third.id(), second.id());
    // the evicted poll finishes later: it is not stored again, and its late bytes are not charged
    CaptureTap late = new CaptureTap(s, poll);
    long used = s.used();
    late.responseChunk(Buffer.buffer(new byte[1000]));
    late.responseEnd();
    assertThat(s.used()).isEqualTo(used);
    assertThat(s.size()).isEqualTo(2);
  }

  /** A body chunk in direct memory is stored as well as a heap one; a record's number stays its own after evictions. */
  @Test
  void directChunksAndRecordNumbers() {
    CaptureStore s = new CaptureStore(new InspectOptions().setDbSize(200_000).setMaxBody(100_000));
    Capture c = s.begin("web", "10.0.0.7", "GET", "/d", HttpHeaders.headers(), null);
    CaptureTap tap = new CaptureTap(s, c);
    tap.requestEnd();
    tap.response(200, "OK", HttpHeaders.headers());
    byte[] bytes = new byte[70_000];
    new java.util.Random(3).nextBytes(bytes);
    io.netty.buffer.ByteBuf direct = io.netty.buffer.Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    tap.responseChunk(io.vertx.core.internal.buffer.BufferInternal.buffer(direct.slice(0, 60_000)));
    tap.responseChunk(io.vertx.core.internal.buffer.BufferInternal.buffer(direct.slice(60_000, 10_000)));
    tap.responseEnd();
    var back = s.get(c.id()).toJson(true).getJsonObject("response").getString("raw");
    assertThat(back).isEqualTo(c.toJson(true).getJsonObject("response").getString("raw"));
    direct.release();

    CaptureRing ring = new CaptureRing(1000);
    for (int i = 0; i < 5; i++) {
      ring.append(i, 0, 300).put(new byte[300], 0, 300);
      if (ring.used() > 700) {
        ring.evictOldest();
      }
    }
    assertThat(ring.size()).isEqualTo(2);
    assertThat(ring.firstNumber()).isEqualTo(3);
    assertThat(ring.seqAt(0)).isEqualTo(3);
    assertThat(ring.find(4)).isEqualTo(1);
    assertThat(ring.find(0)).isEqualTo(-1);
    ring.clear();
    assertThat(ring.firstNumber()).isEqualTo(5);
  }

  /** Bodies in pieces of every size, from 1 byte to more than 4 KiB, come back as they were sent. */
  @Test
  void bodiesOfMixedPieceSizesReadBackWhole() {
    CaptureStore s = new CaptureStore(new InspectOptions());
    java.util.Random r = new java.util.Random(11);
    Capture c = s.begin("web", "10.0.0.7", "POST", "/mixed", HttpHeaders.headers(), null);
    CaptureTap tap = new CaptureTap(s, c);
    Buffer sent = Buffer.buffer();
    for (int i = 0; i < 400; i++) {
      byte[] b = new byte[r.nextInt(10) < 7 ? 1 + r.nextInt(300) : 1 + r.nextInt(9000)];
      r.nextBytes(b);
      sent.appendBytes(b);
      tap.requestChunk(Buffer.buffer(b));
    }
    tap.requestEnd();
    tap.response(204, "No Content", HttpHeaders.headers());
    tap.responseEnd();
    String raw = s.get(c.id()).toJson(true).getJsonObject("request").getString("raw");
    byte[] all = java.util.Base64.getDecoder().decode(raw);
    Buffer body = Buffer.buffer(all).slice(all.length - sent.length(), all.length);
    assertThat(body).isEqualTo(sent);
    assertThat(c.rawRequest()).isEqualTo(Buffer.buffer(all));
  }
}
