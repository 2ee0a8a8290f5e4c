package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** proxy_proto 1 and 2: a local server that reads the PROXY header learns the public client's address. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyProtocolTest {
  static final byte[] V2_SIG = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
  TcpTestKit kit;

  @BeforeEach
  void setUp(Vertx vertx) {
    kit = new TcpTestKit(vertx);
  }

  @AfterEach
  void tearDown() throws Exception {
    kit.close();
  }

  /** A test server that parses a PROXY v1 or v2 header and answers "src srcport dst dstport | payload". */
  ServerSocket proxyAwareServer() throws Exception {
    return kit.server(s -> {
      DataInputStream in = new DataInputStream(s.getInputStream());
      String parsed;
      byte[] first = new byte[12];
      in.readFully(first, 0, 5);
      if (new String(first, 0, 5, StandardCharsets.US_ASCII).equals("PROXY")) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
          line.write(c);
        }
        String[] f = line.toString(StandardCharsets.US_ASCII).trim().split(" ");
        // "PROXY" was read: f = TCP4 src dst srcport dstport
        assertThat(line.toByteArray()[line.size() - 1]).as("line ends with CRLF").isEqualTo((byte) '\r');
        parsed = "v1 " + f[0] + " " + f[1] + " " + f[3] + " " + f[2] + " " + f[4];
      } else {
        in.readFully(first, 5, 7);
        assertThat(Arrays.equals(first, V2_SIG)).as("v2 signature").isTrue();
        int verCmd = in.readUnsignedByte();
        int fam = in.readUnsignedByte();
        int len = in.readUnsignedShort();
        assertThat(verCmd).isEqualTo(0x21);
        assertThat(fam).isEqualTo(0x11);
        assertThat(len).isEqualTo(12);
        byte[] src = new byte[4];
        byte[] dst = new byte[4];
        in.readFully(src);
        in.readFully(dst);
        int sport = in.readUnsignedShort();
        int dport = in.readUnsignedShort();
        parsed = "v2 TCP4 " + InetAddress.getByAddress(src).getHostAddress() + " " + sport + " "
            + InetAddress.getByAddress(dst).getHostAddress() + " " + dport;
      }
      byte[] payload = new byte[5];
      in.readFully(payload);
      s.getOutputStream().write((parsed + " | " + new String(payload, StandardCharsets.US_ASCII) + "\n")
          .getBytes(StandardCharsets.US_ASCII));
    });
  }

  @Test
  void versionOneHeaderNamesThePublicClient() throws Exception {
    check(1);
  }

  @Test
  void versionTwoHeaderNamesThePublicClient() throws Exception {
    check(2);
  }

  private void check(int version) throws Exception {
    ServerSocket local = proxyAwareServer();
    int port = kit.publicPort(TcpTestKit.tcp("pp", local.getLocalPort(), null, version));
    try (Socket c = new Socket("127.0.0.1", port)) {
      c.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
      InputStream in = c.getInputStream();
      String reply = new String(TcpTestKit.readAll(in), StandardCharsets.US_ASCII).trim();
      assertThat(reply).isEqualTo("v" + version + " TCP4 127.0.0.1 " + c.getLocalPort() + " 127.0.0.1 " + port
          + " | hello");
    }
  }
}
