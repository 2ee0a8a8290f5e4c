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
}
