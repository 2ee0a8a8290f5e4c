package burrow.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import burrow.error.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The authtoken is edited in place: comments, order and other keys stay; the result still loads. */
class AuthtokenFileTest {
  final Path f = Path.of("burrow.yml");

  @Test
  void replacesAnExistingToken() {
    assertThat(AuthtokenFile.update(f, "a: 1\nauthtoken: \"old\" # mine\nb: 2\n", "new"))
        .isEqualTo("a: 1\nauthtoken: new # mine\nb: 2\n");
  }

  @Test
  void addsAtTheTopOfTheMapKeepingComments() {
    assertThat(AuthtokenFile.update(f, "# header\nregion: eu\n", "tok")).isEqualTo("# header\nauthtoken: tok\nregion: eu\n");
  }

  @Test
  void emptyOrCommentOnlyFile() {
    assertThat(AuthtokenFile.update(f, "", "tok")).isEqualTo("authtoken: tok\n");
    assertThat(AuthtokenFile.update(f, "# nothing yet", "tok")).isEqualTo("# nothing yet\nauthtoken: tok\n");
  }

  @Test
  void emptyValue() {
    assertThat(AuthtokenFile.update(f, "authtoken:\nregion: eu\n", "tok")).isEqualTo("authtoken: tok\nregion: eu\n");
  }

  @Test
  void quotesTokensYamlWouldRetype() throws Exception {
    String out = AuthtokenFile.update(f, "region: eu\n", "12345");
    assertThat(out).startsWith("authtoken: '12345'\n");
    String odd = AuthtokenFile.update(f, "region: eu\n", "a: b'c #d");
    Path tmp = java.nio.file.Files.createTempFile("tok", ".yml");
    java.nio.file.Files.writeString(tmp, odd);
    assertThat(ConfigValidator.load(List.of(tmp.toString())).authtoken()).isEqualTo("a: b'c #d");
    java.nio.file.Files.delete(tmp);
  }

  @Test
  void flowStyleMap() {
    assertThat(AuthtokenFile.update(f, "{region: eu}\n", "tok")).isEqualTo("{authtoken: tok, region: eu}\n");
  }

  @Test
  void refusesABrokenFile() {
    assertThatThrownBy(() -> AuthtokenFile.update(f, "a: [\n", "tok"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_YAML_SYNTAX));
  }
}
