package burrow.agent.inspect;

import burrow.agent.config.LocalAddr;
import burrow.agent.config.TunnelDefinition;
import burrow.agent.forward.ExchangeTap;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.proto.HttpHead;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.ReadStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Replays a captured request (as captured, or edited) to a tunnel's local address, capturing the replay like any
 * other exchange and marking it with the id it replays.
 */
public final class Replayer {
  /** How long a replay may take to answer, in ms: 30 s. */
  public static final long TIMEOUT_MS = 30_000;
  /** Largest edited request accepted, in bytes: the per-body cap plus 64 KiB of head. */
  private final int maxRaw;

  private final CaptureStore store;
  private final HttpClient client;

  public Replayer(Vertx vertx, CaptureStore store, InspectOptions options) {
    this.store = store;
    this.maxRaw = options.getMaxBody() + 64 * 1024;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTrustAll(true)
        .setVerifyHost(false).setConnectTimeout(10_000).setDecompressionSupported(false));
  }

  /** A request parsed from raw bytes: request line, headers, blank line, body. */
  public record RawRequest(String method, String uri, MultiMap headers, Buffer body) {
    public static RawRequest parse(Buffer raw) {
      byte[] b = raw.getBytes();
      int end = indexOf(b, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      int sep = 4;
      if (end < 0) {
        end = indexOf(b, "\n\n".getBytes(StandardCharsets.ISO_8859_1));
        sep = 2;
      }
      String head = new String(b, 0, end < 0 ? b.length : end, StandardCharsets.ISO_8859_1);
      Buffer body = end < 0 ? Buffer.buffer() : raw.slice(end + sep, b.length).copy();
      String[] lines = head.split("\r?\n");
      String[] first = lines[0].trim().split(" +");
      if (first.length < 2 || !first[0].matches("[A-Za-z]+") || !first[1].startsWith("/")) {
        throw new BurrowException(ErrorCode.API_BAD_REQUEST,
            "the request line must read METHOD /path HTTP/1.1, not \"" + lines[0] + "\"");
      }
      MultiMap headers = HttpHeaders.headers();
      for (int i = 1; i < lines.length; i++) {
        if (lines[i].isBlank()) {
          continue;
        }
        int colon = lines[i].indexOf(':');
        if (colon <= 0) {
          throw new BurrowException(ErrorCode.API_BAD_REQUEST, "header line " + i + " has no colon: \"" + lines[i] + "\"");
        }
        headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
      }
      return new RawRequest(first[0].toUpperCase(), first[1], headers, body);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= hay.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (hay[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }

  /**
   * @param raw        the request to send, or null to send the original as captured
   * @param publicName the tunnel name the replay is recorded under
   * @return the replay's capture, once the local service has answered in full
   */
  public Future<Capture> replay(Capture original, TunnelDefinition target, String publicName, Buffer raw) {
    if (raw == null && !original.replayable()) {
      return Future.failedFuture(new BurrowException(ErrorCode.API_BAD_REQUEST, "request " + original.id()
          + " was not captured in full (its body passed the capture limit), so it cannot be replayed as is"));
    }
    if (raw != null && raw.length() > maxRaw) {
      return Future.failedFuture(new BurrowException(ErrorCode.API_BAD_REQUEST, "the edited request is larger than "
          + maxRaw + " bytes"));
    }
    RawRequest r;
    try {
      r = RawRequest.parse(raw != null ? raw : original.rawRequest());
    } catch (BurrowException e) {
      return Future.failedFuture(e);
    }
    LocalAddr local = target.localAddr();
    MultiMap headers = HttpHeaders.headers();
    r.headers().forEach(e -> {
      if (!HttpHead.isHopByHop(e.getKey()) && !e.getKey().equalsIgnoreCase("content-length")) {
        headers.add(e.getKey(), e.getValue());
      }
    });
    if (!headers.contains(HttpHeaders.HOST)) {
      headers.set(HttpHeaders.HOST, local.hostPort());
    }
    if (r.body().length() > 0 || !(r.method().equals("GET") || r.method().equals("HEAD"))) {
      headers.set(HttpHeaders.CONTENT_LENGTH, Integer.toString(r.body().length()));
    }
    Capture c = store.begin(publicName, "127.0.0.1", r.method(), r.uri(), headers, original.id());
    ExchangeTap tap = c == null ? null : new CaptureTap(store, c);
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.valueOf(r.method())).setURI(r.uri())
        .setHost(local.host()).setPort(local.port()).setSsl(local.https()).setHeaders(headers);
    Future<Capture> done = client.request(ro).compose(req -> {
      if (tap != null) {
        tap.requestChunk(r.body());
        tap.requestEnd();
      }
      return req.send(r.body());
    }).compose(resp -> {
      if (tap != null) {
        tap.response(resp.statusCode(), resp.statusMessage(), resp.headers());
      }
      Promise<Capture> p = Promise.promise();
      ReadStream<io.vertx.core.buffer.Buffer> body = ExchangeTap.response(resp, tap);
      body.exceptionHandler(p::tryFail);
      body.endHandler(v -> p.tryComplete(c));
      body.handler(chunk -> { });                     // the replay's answer is only kept in the capture
      return p.future();
    }).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    return done.recover(err -> {
      if (tap != null) {
        tap.failed(err);
      }
      return Future.failedFuture(new BurrowException(ErrorCode.LOCAL_UNREACHABLE, "the replay could not reach the local"
          + " address " + local.hostPort() + ": " + err.getMessage()));
    });
  }

  public Future<Void> close() {
    return client.close();
  }
}
