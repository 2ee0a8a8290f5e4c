package burrow.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Heads as bytes: the length prefix, the JSON the streaming writers produce, and what a malformed head gets. */
class HeadsTest {

  /** Strips and checks the 4-byte length prefix, then parses the body. */
  private static JsonObject unframe(Buffer framed) {
    assertThat(framed.getInt(0)).isEqualTo(framed.length() - 4);
    return Heads.decode(framed.slice(4, framed.length()));
  }

  @Test
  void requestHeadCarriesTheEndToEndHeadersAndTheForwardingOnes() {
    MultiMap headers = HttpHeaders.headers()
        .add("host", "ignored.example")                    // the authority is sent first, as Host
        .add("Accept", "text/html")
        .add("CONNECTION", "keep-alive")                    // hop-by-hop, in any case: not forwarded
        .add("Keep-Alive", "timeout=5")
        .add("te", "trailers")
        .add("X-Forwarded-For", "10.0.0.1")                 // replaced by the value the edge computed
        .add("x-forwarded-for", "10.0.0.2")
        .add("X-Name", "gr\u00fc\u00dfe \u2713");          // not ASCII: UTF-8 on the wire, back unchanged

    JsonObject head = unframe(HttpHead.encodeRequest("t1", "127.0.0.1:5000", "https", "POST", "/a?b=c",
        "app.localhost:9443", headers, null, "10.0.0.1, 127.0.0.1", false));

    assertThat(head.fieldNames()).containsExactly("t", "c", "p", "m", "u", "h");
    assertThat(head.getString("t")).isEqualTo("t1");
    assertThat(head.getString("c")).isEqualTo("127.0.0.1:5000");
    assertThat(head.getString("p")).isEqualTo("https");
    assertThat(head.getString("m")).isEqualTo("POST");
    assertThat(head.getString("u")).isEqualTo("/a?b=c");
    assertThat(head.getJsonArray("h")).isEqualTo(new JsonArray().add("Host").add("app.localhost:9443")
        .add("Accept").add("text/html").add("X-Name").add("gr\u00fc\u00dfe \u2713")
        .add("X-Forwarded-For").add("10.0.0.1, 127.0.0.1").add("X-Forwarded-Proto").add("https"));
    assertThat(HttpHead.header(head, "x-forwarded-for")).isEqualTo("10.0.0.1, 127.0.0.1");
  }

  @Test
  void upgradeAndBodylessAreSentOnlyWhenTheyApply() {
    JsonObject upgrade = unframe(HttpHead.encodeRequest("t1", "c", "http", "GET", "/ws", "h", HttpHeaders.headers(),
        "websocket", "127.0.0.1", false));
    assertThat(upgrade.getString("up")).isEqualTo("websocket");
    assertThat(upgrade.containsKey("nb")).isFalse();

    JsonObject bodyless = unframe(HttpHead.encodeRequest("t1", "c", "http", "GET", "/", "h", HttpHeaders.headers(),
        null, "127.0.0.1", true));
    assertThat(bodyless.getBoolean("nb")).isTrue();
    assertThat(bodyless.containsKey("up")).isFalse();
  }

  @Test
  void responseHeadDropsHopByHopHeaders() {
    MultiMap headers = HttpHeaders.headers().add("Content-Type", "text/plain").add("Transfer-Encoding", "chunked")
        .add("Set-Cookie", "a=1").add("Set-Cookie", "b=2");
    JsonObject head = unframe(HttpHead.encodeResponse(404, "Not Found", headers));
    assertThat(head.getInteger("s")).isEqualTo(404);
    assertThat(head.getString("r")).isEqualTo("Not Found");
    assertThat(head.getJsonArray("h")).isEqualTo(new JsonArray().add("Content-Type").add("text/plain")
        .add("Set-Cookie").add("a=1").add("Set-Cookie").add("b=2"));
    MultiMap back = HttpHeaders.headers();
    HttpHead.copyHeaders(head, back);
    assertThat(back.getAll("set-cookie")).containsExactly("a=1", "b=2");
  }

  @Test
  void anyJsonObjectRoundTrips() {
    JsonObject msg = new JsonObject().put("type", "bind").put("n", 3).put("big", 1L << 40).put("ok", true)
        .put("none", (Object) null).put("list", new JsonArray().add(1).add("x").add(new JsonObject().put("k", "v")));
    assertThat(unframe(Heads.encode(msg))).isEqualTo(msg);
  }

  @Test
  void aBodyThatIsNotOneJsonObjectIsAProtocolError() {
    for (String bad : new String[] {"[1,2]", "\"text\"", "{\"a\":1", "{\"a\":1} {}", "GET / HTTP/1.1", ""}) {
      assertThatThrownBy(() -> Heads.decode(Buffer.buffer(bad)))
          .as(bad)
          .isInstanceOfSatisfying(BurrowException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR))
          .hasMessageContaining("head is not a JSON object");
    }
  }

  @Test
  void hopByHopNamesMatchInAnyCaseAndOnlyWhole() {
    assertThat(HttpHead.isHopByHop("Transfer-Encoding")).isTrue();
    assertThat(HttpHead.isHopByHop("UPGRADE")).isTrue();
    assertThat(HttpHead.isHopByHop("te")).isTrue();
    assertThat(HttpHead.isHopByHop("tea")).isFalse();
    assertThat(HttpHead.isHopByHop("X-Connection")).isFalse();
    assertThat(HttpHead.isHopByHop("Content-Length")).isFalse();
  }
}
