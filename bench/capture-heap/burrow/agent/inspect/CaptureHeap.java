package burrow.agent.inspect;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.lang.management.ManagementFactory;

/** Heap per capture in a full default (50 MB) store: bench/capture-heap.sh. */
public class CaptureHeap {
  public static void main(String[] a) {
    CaptureStore s = new CaptureStore(new InspectOptions());
    System.gc();
    long h0 = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    byte[] body = new byte[1024];
    for (int i = 0; i < 200_000; i++) {
      Capture c = s.begin("web (http)", "127.0.0.1:4" + i, "GET", "/1k.bin", HttpHeaders.headers()
          .add("Host", "abcd1234.localhost:9080").add("X-Forwarded-For", "127.0.0.1").add("X-Forwarded-Proto", "http"), null);
      if (c == null) continue;
      CaptureTap tap = new CaptureTap(s, c);
      tap.requestEnd();
      tap.response(200, "OK", HttpHeaders.headers().add("Server", "nginx/1.22.1").add("Date", "Thu, 26 Nov 2026 17:00:00 GMT")
          .add("Content-Type", "application/octet-stream").add("Content-Length", "1024")
          .add("Last-Modified", "Thu, 26 Nov 2026 16:00:00 GMT").add("Connection", "keep-alive")
          .add("ETag", "\"6566f1c0-400\"").add("Accept-Ranges", "bytes"));
      tap.responseChunk(Buffer.buffer(body));
      tap.responseEnd();
    }
    System.gc();                                  // a full, synchronous collection with ParallelGC
    System.gc();
    long h1 = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    int n = s.size();
    System.out.printf("captures=%d used=%d heap=%d KiB -> %.0f B per capture, charged %.0f B%n", n, s.used(), (h1 - h0) / 1024,
        (h1 - h0) / (double) n, s.used() / (double) n);
  }
}
