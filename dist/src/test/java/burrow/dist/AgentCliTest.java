package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** start / authtoken / config check: bad input exits 1 (failure) or 2 (usage) with a code, before anything connects. */
class AgentCliTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  @TempDir
  Path dir;

  int run(String... args) {
    CommandLine cl = Burrow.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void startWithNoNamesAndNoFlagIsUsage() {
    assertThat(run("start")).isEqualTo(2);
    assertThat(err.toString()).contains("BRW-100").contains("--all").contains("--none").contains("Usage: burrow start");
  }

  @Test
  void startNoneWithNamesIsUsage() {
    assertThat(run("start", "--none", "web")).isEqualTo(2);
    assertThat(err.toString()).contains("--none");
  }

  @Test
  void startAllWithNamesIsUsage() {
    assertThat(run("start", "--all", "web")).isEqualTo(2);
  }

  @Test
  void startUnknownTunnelNameFails() throws IOException {
    Path cfg = write("b.yml", "tunnels:\n  web: {proto: http, addr: 8080}\n  api: {proto: http, addr: 3000}\n");
    assertThat(run("start", "-config=" + cfg, "web", "nope")).isEqualTo(1);
    assertThat(err.toString()).contains("BRW-108").contains("\"nope\"").contains("defined: web, api");
  }

  @Test
  void startWithMalformedConfigFailsWithLineAndColumn() throws IOException {
    Path cfg = write("bad.yml", "tunnels:\n  web:\n    proto: http\n   addr: [8080\n");
    assertThat(run("start", "--config", cfg.toString(), "web")).isEqualTo(1);
    assertThat(err.toString()).contains("BRW-107").contains("bad.yml:4:");
  }

  @Test
  void explicitMissingConfigFails() {
    Path missing = dir.resolve("missing.yml");
    assertThat(run("start", "-config", missing.toString(), "--all")).isEqualTo(1);
    assertThat(err.toString()).contains("BRW-104").contains("missing.yml");
    err.getBuffer().setLength(0);
    assertThat(run("http", "-config", missing.toString(), "8080")).isEqualTo(1);
    assertThat(err.toString()).contains("BRW-104");
  }

  @Test
  void wrongTypeInConfigFailsForHttpToo() throws IOException {
    Path cfg = write("t.yml", "authtoken: [a, b]\n");
    assertThat(run("http", "-config", cfg.toString(), "8080")).isEqualTo(1);
    assertThat(err.toString()).contains("BRW-106").contains("authtoken");
  }

  @Test
  void configCheckValid() throws IOException {
    Path cfg = write("ok.yml", "authtoken: abc\nupdate: false\ntunnels:\n  web: {proto: http, addr: 8080}\n");
    assertThat(run("config", "check", "-config", cfg.toString())).isZero();
    assertThat(out.toString()).contains("Valid configuration file at " + cfg).contains("not applicable")
        .contains("1 tunnel(s) defined: web");
  }

  @Test
  void configCheckReportsEveryProblem() throws IOException {
    Path cfg = write("bad.yml", "regoin: eu\nconsole_ui: maybe\ntunnels:\n  web: {proto: http, adr: 80}\n");
    assertThat(run("config", "check", "--config", cfg.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("4 problem(s)").contains("bad.yml:1:1: regoin: unknown key; did you mean \"region\"?")
        .contains("BRW-103").contains("tunnels.web.adr").contains("tunnels.web.addr: missing");
  }

  @Test
  void authtokenKeepsTheRestOfTheFile() throws IOException {
    Path cfg = write("a.yml", "# my settings\nregion: eu   # closest\nauthtoken: old\n\ntunnels:\n  web:\n    proto: http\n    addr: 80\n");
    assertThat(run("authtoken", "-config", cfg.toString(), "n3wT0ken_x")).isZero();
    assertThat(out.toString()).contains("Authtoken saved to configuration file: " + cfg);
    assertThat(Files.readString(cfg)).isEqualTo(
        "# my settings\nregion: eu   # closest\nauthtoken: n3wT0ken_x\n\ntunnels:\n  web:\n    proto: http\n    addr: 80\n");
  }

  @Test
  void authtokenCreatesTheFile() throws IOException {
    Path cfg = dir.resolve("sub/dir/burrow.yml");
    assertThat(run("authtoken", "--config", cfg.toString(), "tok")).isZero();
    assertThat(Files.readString(cfg)).isEqualTo("authtoken: tok\n");
    assertThat(run("config", "check", "-config", cfg.toString())).isZero();
  }

  @Test
  void authtokenWithoutTokenIsUsage() {
    assertThat(run("authtoken")).isEqualTo(2);
    assertThat(err.toString()).contains("TOKEN");
  }

  @ParameterizedTest
  @ValueSource(strings = {"start", "authtoken", "config", "http", "version"})
  void helpForEachCommand(String cmd) {
    assertThat(run("help", cmd)).isZero();
    assertThat(out.toString()).contains("Usage: burrow " + cmd);
    if (!cmd.equals("version")) {
      out.getBuffer().setLength(0);
      assertThat(run(cmd, "--help")).isZero();
      assertThat(out.toString()).contains("Usage: burrow " + cmd);
    }
  }

  @Test
  void configCheckHelp() {
    assertThat(run("config", "check", "--help")).isZero();
    assertThat(out.toString()).contains("Usage: burrow config check");
  }

  @Test
  void configWithoutSubcommandIsUsage() {
    assertThat(run("config")).isEqualTo(2);
  }

  @Test
  void badLogLevelIsUsage() {
    assertThat(run("http", "-log-level=loud", "8080")).isEqualTo(2);
    assertThat(err.toString()).contains("BRW-100").contains("loud");
  }
}
