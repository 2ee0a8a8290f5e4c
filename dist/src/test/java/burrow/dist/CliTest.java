package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad command lines print what is wrong and the usage, and exit 2; nothing connects. */
class CliTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cl = Burrow.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void theEdgesDefaultListenersNeverShareAPort() {
    // Every port an edge listens on by default, public or for the cluster, must differ: the relay's default used to
    // be the TLS port's, so a cluster node started with defaults could not bind both.
    CommandLine edge = Burrow.commandLine().getSubcommands().get("edge");
    java.util.Map<String, Integer> ports = new java.util.TreeMap<>();
    for (CommandLine.Model.OptionSpec o : edge.getCommandSpec().options()) {
      String name = o.longestName();
      if (name.endsWith("-port") && !name.startsWith("--public-") && o.defaultValue() != null) {
        int port = Integer.parseInt(o.defaultValue());
        if (port > 0) {
          ports.put(name, port);
        }
      }
    }
    assertThat(ports).containsKeys("--http-port", "--https-port", "--control-port", "--tls-port", "--relay-port",
        "--management-port");
    assertThat(new java.util.HashSet<>(ports.values())).as("default ports %s", ports).hasSize(ports.size());
  }

  @Test
  void portThatIsNotANumberIsNamed() {
    assertThat(run("http", "80x")).isEqualTo(2);
    assertThat(err.toString()).contains("BRW-101").contains("80x").contains("Usage: burrow http");
  }

  @Test
  void portOutOfRangeIsNamed() {
    assertThat(run("http", "localhost:70000")).isEqualTo(2);
    assertThat(err.toString()).contains("BRW-102").contains("70000");
  }

  @Test
  void unparseableAddressIsNamed() {
    assertThat(run("http", "http://")).isEqualTo(2);
    assertThat(err.toString()).contains("BRW-101").contains("http://");
  }

  @Test
  void missingAddressIsAUsageError() {
    assertThat(run("http")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required parameter").contains("Usage: burrow http");
  }

  @Test
  void unknownFlagIsAUsageError() {
    assertThat(run("http", "-frobnicate", "8080")).isEqualTo(2);
    assertThat(err.toString()).contains("-frobnicate");
  }

  @Test
  void badBindTlsValue() {
    assertThat(run("http", "-bind-tls=maybe", "8080")).isEqualTo(2);
    assertThat(err.toString()).contains("-bind-tls").contains("maybe");
  }

  @Test
  void badAuthValue() {
    assertThat(run("http", "--auth", "nopassword", "8080")).isEqualTo(2);
    assertThat(err.toString()).contains("-auth");
  }

  @Test
  void unknownCommand() {
    assertThat(run("frob")).isEqualTo(2);
    assertThat(err.toString()).contains("frob");
  }

  @Test
  void noCommand() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Usage: burrow");
  }

  @Test
  void versionCommandAndFlag() {
    assertThat(run("version")).isZero();
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).contains("burrow version");
  }

  @Test
  void oneDashAndTwoDashFlagsBothParse() {
    CommandLine cl = Burrow.commandLine();
    CommandLine.ParseResult pr = cl.parseArgs("http", "-subdomain=abc", "--host-header", "rewrite", "-bind-tls", "true",
        "--inspect=false", "8080");
    CommandLine.ParseResult sub = pr.subcommand();
    assertThat(sub.matchedOptionValue("-subdomain", "")).isEqualTo("abc");
    assertThat(sub.matchedOptionValue("-host-header", "")).isEqualTo("rewrite");
    assertThat(sub.matchedOptionValue("-bind-tls", "")).isEqualTo("true");
    assertThat(sub.matchedOptionValue("-inspect", "")).isEqualTo("false");
  }

  @Test
  void edgeNeedsBothCertAndKey() {
    assertThat(run("edge", "--cert", "/nonexistent.pem")).isEqualTo(2);
    assertThat(err.toString()).contains("--key");
  }
}
