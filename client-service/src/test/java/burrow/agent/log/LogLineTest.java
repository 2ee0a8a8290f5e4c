package burrow.agent.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** logfmt and JSON lines with stable keys; lifecycle lines at info; secrets print as HIDDEN. */
class LogLineTest {
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  final BurrowLogProvider provider = new BurrowLogProvider();

  @AfterEach
  void off() {
    LogSettings.off();
  }

  String lines() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void logfmtLifecycleLines() {
    LogSettings.to(out, LogSettings.Level.INFO, "logfmt");
    Logger log = provider.getLoggerFactory().getLogger("burrow.agent");
    log.atInfo().addKeyValue("obj", "web").addKeyValue("addr", "127.0.0.1:4040").log("starting web service");
    log.atInfo().addKeyValue("obj", "tunnels").addKeyValue("name", "command_line").addKeyValue("addr", "http://localhost:80")
        .addKeyValue("url", "https://abc.localhost:8443").log("started tunnel");
    log.atDebug().log("not at info");
    String[] l = lines().split("\n");
    assertThat(l).hasSize(2);
    assertThat(l[0]).matches("t=\\d{4}-\\d\\d-\\d\\dT\\S+ lvl=info msg=\"starting web service\" obj=web addr=127.0.0.1:4040");
    assertThat(l[1]).endsWith("lvl=info msg=\"started tunnel\" obj=tunnels name=command_line addr=http://localhost:80 url=https://abc.localhost:8443");
  }

  @Test
  void jsonLinesWithStableKeys() {
    LogSettings.to(out, LogSettings.Level.DEBUG, "json");
    Logger log = provider.getLoggerFactory().getLogger("burrow.agent.session.EdgeSession");
    log.atWarn().addKeyValue("code", "BRW-200").addKeyValue("retry_ms", 500).log("failed to reconnect session");
    log.info("plain {} message", "formatted");
    String[] l = lines().split("\n");
    JsonObject a = new JsonObject(l[0]);
    assertThat(a.fieldNames()).containsExactly("t", "lvl", "msg", "obj", "code", "retry_ms");
    assertThat(a.getString("lvl")).isEqualTo("warn");
    assertThat(a.getString("obj")).isEqualTo("edgeSession");
    assertThat(a.getInteger("retry_ms")).isEqualTo(500);
    assertThat(new JsonObject(l[1]).getString("msg")).isEqualTo("plain formatted message");
  }

  @Test
  void secretsAreHidden() {
    LogSettings.to(out, LogSettings.Level.INFO, "logfmt");
    LogSettings.addSecret("tok-SECRET-123");
    Logger log = provider.getLoggerFactory().getLogger("burrow.x");
    log.atInfo().addKeyValue("authtoken", "whatever").addKeyValue("password", "pw").log("auth with tok-SECRET-123");
    assertThat(lines()).doesNotContain("tok-SECRET-123").doesNotContain("whatever").doesNotContain("=pw")
        .contains("msg=\"auth with HIDDEN\"").contains("authtoken=HIDDEN");
  }

  @Test
  void librariesOnlyWarnUnlessDebug() {
    LogSettings.to(out, LogSettings.Level.INFO, "logfmt");
    Logger netty = provider.getLoggerFactory().getLogger("io.netty.Foo");
    netty.info("chatty");
    netty.warn("worth it");
    assertThat(lines()).doesNotContain("chatty").contains("worth it");
  }

  @Test
  void levelsFilter() {
    LogSettings.to(out, LogSettings.Level.CRIT, "logfmt");
    Logger log = provider.getLoggerFactory().getLogger("burrow.x");
    log.error("no");
    LogSettings.to(out, LogSettings.Level.ERROR, "logfmt");
    log.warn("no");
    log.error("yes");
    assertThat(lines()).doesNotContain("msg=no").contains("lvl=eror msg=yes");
  }

  @Test
  void logfmtQuoting() {
    assertThat(LogLine.quote("plain")).isEqualTo("plain");
    assertThat(LogLine.quote("two words")).isEqualTo("\"two words\"");
    assertThat(LogLine.quote("a\"b\nc")).isEqualTo("\"a\\\"b\\nc\"");
    assertThat(LogLine.quote("")).isEqualTo("\"\"");
  }
}
