package burrow.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import burrow.error.ErrorCode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Loading, merging and validating config files: the manual's examples load unchanged; every problem is reported. */
class AgentConfigTest {
  @TempDir
  Path dir;

  static Path example(String name) {
    try {
      return Path.of(AgentConfigTest.class.getResource("/ngrok-examples/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<String> examples() throws IOException {
    try (Stream<Path> s = Files.list(example("authtoken.yml").getParent())) {
      return s.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  Path write(String name, String yaml) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, yaml);
    return p;
  }

  static ConfigException failure(Path... files) {
    try {
      ConfigValidator.load(Stream.of(files).map(Path::toString).toList());
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("no ConfigException");
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyManualExampleLoadsUnchanged(String name) {
    AgentConfig c = ConfigValidator.load(List.of(example(name).toString()));
    assertThat(c.files()).containsExactly(example(name));
  }

  @Test
  void allOptionsExampleIsTyped() {
    AgentConfig c = ConfigValidator.load(List.of(example("all-options.yml").toString()));
    assertThat(c.authtoken()).isEqualTo("4nq9771bPxe8ctg7LKr_2ClH7Y15Zqe4bWLWF9p");
    assertThat(c.region()).isEqualTo("us");
    assertThat(c.consoleUi()).isEqualTo(AgentConfig.ConsoleUi.TRUE);
    assertThat(c.httpProxy()).isNull();
    assertThat(c.socks5Proxy()).isEqualTo("socks5://localhost:9150");
    assertThat(c.inspectDbSize()).isEqualTo(50_000_000L);
    assertThat(c.logLevel()).isEqualTo("info");
    assertThat(c.logFormat()).isEqualTo("json");
    assertThat(c.log()).isEqualTo("/var/log/ngrok.log");
    assertThat(c.metadata()).contains("00012xa-33rUtz9");
    assertThat(c.rootCas()).isEqualTo("trusted");
    assertThat(c.webAddr()).isEqualTo("localhost:4040");
    assertThat(c.notes()).hasSize(3).allMatch(n -> n.contains("not applicable"));
    assertThat(c.tunnels().keySet()).containsExactly("website", "e2etls", "ssh-access");
    TunnelDefinition web = c.tunnels().get("website");
    assertThat(web).isEqualTo(new TunnelDefinition("website", "http", "8888", "myapp", null, "bob:bobpassword",
        "myapp.dev", "true", false, null, null, null, null, null));
    assertThat(c.tunnels().get("e2etls").crt()).isEqualTo("example.crt");
    assertThat(c.tunnels().get("e2etls").key()).isEqualTo("example.key");
    assertThat(c.tunnels().get("ssh-access").remoteAddr()).isEqualTo("1.tcp.ngrok.io:12345");
    assertThat(c.tunnelMetadata("website")).isEqualTo(c.metadata());
  }

  @Test
  void laterFilesOverrideKeyByKeyAndTunnelsMergeByName() throws IOException {
    Path a = write("a.yml", """
        authtoken: first
        region: eu
        tunnels:
          web: {proto: http, addr: 8080, subdomain: one}
          ssh: {proto: tcp, addr: 22}
        """);
    Path b = write("b.yml", """
        region: ap
        tunnels:
          web: {proto: http, addr: 9090}
          api:
            proto: http
            addr: 3000
            metadata: api-meta
        """);
    AgentConfig c = ConfigValidator.load(List.of(a.toString(), b.toString()));
    assertThat(c.authtoken()).isEqualTo("first");
    assertThat(c.region()).isEqualTo("ap");
    assertThat(c.tunnels().keySet()).containsExactly("ssh", "web", "api");
    assertThat(c.tunnels().get("web").addr()).isEqualTo("9090");
    assertThat(c.tunnels().get("web").subdomain()).isNull();
    assertThat(c.tunnelMetadata("api")).isEqualTo("api-meta");
    assertThat(c.files()).containsExactly(a, b);
  }

  @Test
  void defaultFileIsOptional() {
    assertThat(ConfigLoader.loadFiles(List.of()).problems()).isEmpty();
    AgentConfig c = ConfigValidator.validate(ConfigLoader.loadFiles(List.of()));
    assertThat(c.consoleUi()).isEqualTo(AgentConfig.ConsoleUi.IFTTY);
    assertThat(c.webAddr()).isEqualTo("127.0.0.1:4040");
    assertThat(c.tunnels()).isEmpty();
  }

  @Test
  void everyProblemIsReportedAtOnceWithPathFileLineAndColumn() throws IOException {
    Path f = write("bad.yml", """
        authtoken: abc
        regoin: eu
        console_ui: sometimes
        inspect_db_size: lots
        log_level: loud
        web_addr: [1, 2]
        tunnels:
          web:
            proto: http
            adr: 8080
          ssh:
            proto: tcp
            addr: 22
            subdomain: nope
          bad:
            proto: gopher
            addr: 99999
        """);
    ConfigException e = failure(f);
    assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("regoin", "console_ui",
        "inspect_db_size", "log_level", "web_addr", "tunnels.web.adr", "tunnels.web.addr", "tunnels.ssh.subdomain",
        "tunnels.bad.proto", "tunnels.bad.addr");
    assertThat(e.problems()).allMatch(p -> p.file().equals(f));
    ConfigProblem regoin = e.problems().get(0);
    assertThat(regoin.code()).isEqualTo(ErrorCode.CONFIG_UNKNOWN_KEY);
    assertThat(regoin.line()).isEqualTo(2);
    assertThat(regoin.column()).isEqualTo(1);
    assertThat(regoin.message()).contains("did you mean \"region\"");
    ConfigProblem adr = e.problems().get(5);
    assertThat(adr.code()).isEqualTo(ErrorCode.CONFIG_UNKNOWN_KEY);
    assertThat(adr.line()).isEqualTo(10);
    assertThat(adr.column()).isEqualTo(5);
    assertThat(adr.message()).contains("\"addr\"");
    assertThat(e.problems().get(1).code()).isEqualTo(ErrorCode.CONFIG_INVALID);
    assertThat(e.problems().get(2).code()).isEqualTo(ErrorCode.CONFIG_WRONG_TYPE);
    assertThat(e.problems().get(2).column()).isEqualTo(18);
    assertThat(e.problems().get(4).code()).isEqualTo(ErrorCode.CONFIG_WRONG_TYPE);
    assertThat(e.problems().get(9).code()).isEqualTo(ErrorCode.CONFIG_INVALID);
    assertThat(e.problems().get(9).message()).contains("99999");
    assertThat(e.describe()).contains("10 problems").contains(f + ":2:1: regoin: unknown key");
  }

  @Test
  void wrongTypes() throws IOException {
    Path f = write("types.yml", """
        authtoken: {nested: map}
        tunnels:
          web:
            proto: http
            addr: 80
            inspect: "maybe"
          list: [1, 2]
        """);
    ConfigException e = failure(f);
    assertThat(e.problems()).extracting(ConfigProblem::code).containsOnly(ErrorCode.CONFIG_WRONG_TYPE);
    assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("authtoken", "tunnels.web.inspect", "tunnels.list");
    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_WRONG_TYPE);
  }

  @Test
  void malformedYamlNamesLineAndColumn() throws IOException {
    Path f = write("broken.yml", "authtoken: abc\ntunnels:\n  web:\n    proto: http\n   addr: [80\n");
    ConfigException e = failure(f);
    assertThat(e.problems()).hasSize(1);
    ConfigProblem p = e.problems().get(0);
    assertThat(p.code()).isEqualTo(ErrorCode.CONFIG_YAML_SYNTAX);
    assertThat(p.line()).isEqualTo(5);
    assertThat(p.column()).isPositive();
    assertThat(e.describe()).startsWith("BRW-107").contains("broken.yml:5:");
  }

  @Test
  void duplicateKeysAreSyntaxErrors() throws IOException {
    Path f = write("dup.yml", "region: eu\nregion: us\n");
    assertThat(failure(f).problems().get(0).code()).isEqualTo(ErrorCode.CONFIG_YAML_SYNTAX);
  }

  @Test
  void missingExplicitFileAndSyntaxErrorAreReportedTogether() throws IOException {
    Path missing = dir.resolve("nope.yml");
    Path broken = write("b.yml", "a: [\n");
    ConfigException e = failure(missing, broken);
    assertThat(e.problems()).extracting(ConfigProblem::code)
        .containsExactly(ErrorCode.CONFIG_UNREADABLE, ErrorCode.CONFIG_YAML_SYNTAX);
    assertThat(e.problems().get(0).describe()).contains("nope.yml").contains("does not exist");
  }

  @Test
  void unreadableExplicitFile() throws IOException {
    Path f = write("secret.yml", "region: eu\n");
    assertThat(f.toFile().setReadable(false)).isTrue();
    if (Files.isReadable(f)) {
      // running as root: a directory is unreadable as a file for everyone
      f = Files.createDirectory(dir.resolve("adir.yml"));
    }
    ConfigException e = failure(f);
    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_UNREADABLE);
  }

  @Test
  void topLevelMustBeAMap() throws IOException {
    assertThat(failure(write("list.yml", "- a\n- b\n")).code()).isEqualTo(ErrorCode.CONFIG_WRONG_TYPE);
  }

  @Test
  void proxiesAreCheckedAndPasswordsNeverPrinted() throws IOException {
    Path f = write("p.yml", "http_proxy: ftp://bob:s3cret@proxy:21\nsocks5_proxy: notaurl\n");
    ConfigException e = failure(f);
    assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("http_proxy", "socks5_proxy");
    assertThat(e.describe()).doesNotContain("s3cret").contains("HIDDEN");
  }

  @Test
  void missingProtoAndAddr() throws IOException {
    ConfigException e = failure(write("m.yml", "tunnels:\n  web:\n    subdomain: x\n"));
    assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("tunnels.web.proto", "tunnels.web.addr");
    assertThat(e.problems().get(0).line()).isEqualTo(2);
  }

  @Test
  void closestKeySuggestion() {
    assertThat(ConfigValidator.closest("authtokn", ConfigValidator.TOP_KEYS)).isEqualTo("authtoken");
    assertThat(ConfigValidator.closest("host-header", ConfigValidator.TUNNEL_KEYS)).isEqualTo("host_header");
    assertThat(ConfigValidator.closest("zzzzzzzz", ConfigValidator.TOP_KEYS)).isNull();
  }
}
