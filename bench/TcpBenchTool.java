import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Helper for bench/tcp-bench.sh (run as a source file: java TcpBenchTool.java MODE ...).
 *   echo PORT                 NIO echo server on 127.0.0.1:PORT (one thread; idle connections cost no thread)
 *   rate PORT SECONDS THREADS connect, send 1 byte, read the echo, close, as fast as possible; prints conns/s
 *   hold PORT N               open N connections, check each echoes, print "held N", then hold them until killed
 */
public class TcpBenchTool {
  public static void main(String[] a) throws Exception {
    switch (a[0]) {
      case "echo" -> echo(Integer.parseInt(a[1]));
      case "rate" -> rate(Integer.parseInt(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
      case "hold" -> hold(Integer.parseInt(a[1]), Integer.parseInt(a[2]));
      default -> throw new IllegalArgumentException(a[0]);
    }
  }

  static void echo(int port) throws Exception {
    Selector sel = Selector.open();
    ServerSocketChannel ss = ServerSocketChannel.open();
    ss.bind(new InetSocketAddress("127.0.0.1", port), 4096);
    ss.configureBlocking(false);
    ss.register(sel, SelectionKey.OP_ACCEPT);
    ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
    while (true) {
      sel.select();
      for (SelectionKey k : sel.selectedKeys()) {
        if (!k.isValid()) {
          continue;
        }
        if (k.isAcceptable()) {
          SocketChannel c;
          while ((c = ss.accept()) != null) {
            c.configureBlocking(false);
            c.register(sel, SelectionKey.OP_READ);
          }
        } else if (k.isReadable()) {
          SocketChannel c = (SocketChannel) k.channel();
          buf.clear();
          int n;
          try {
            n = c.read(buf);
          } catch (java.io.IOException e) {
            n = -1;
          }
          if (n < 0) {
            k.cancel();
            c.close();
          } else {
            buf.flip();
            c.write(buf);          // tiny messages: fits the socket buffer
          }
        }
      }
      sel.selectedKeys().clear();
    }
  }

  static void rate(int port, int seconds, int threads) throws Exception {
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < end) {
          try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.setSoLinger(true, 0);                     // no TIME_WAIT pile-up on the client side
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write('x');
            if (s.getInputStream().read() == 'x') {
              done.incrementAndGet();
            } else {
              failed.incrementAndGet();
            }
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      });
      t.start();
      ts.add(t);
    }
    for (Thread t : ts) {
      t.join();
    }
    System.out.printf("conns_per_s %.0f failed %d%n", done.get() / (double) seconds, failed.get());
  }

  static void hold(int port, int n) throws Exception {
    List<Socket> held = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      held.add(s);
    }
    for (Socket s : held) {                              // every connection really reaches the local server
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write('y');
      InputStream in = s.getInputStream();
      if (in.read() != 'y') {
        throw new IllegalStateException("no echo");
      }
    }
    System.out.println("held " + held.size());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
