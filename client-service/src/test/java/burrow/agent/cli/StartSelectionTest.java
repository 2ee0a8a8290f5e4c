package burrow.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import burrow.agent.config.AgentConfig;
import burrow.agent.config.TunnelDefinition;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which tunnels {@code start} runs: names, --all, --none; the tunnel name is the default subdomain (the manual). */
class StartSelectionTest {
  final AgentConfig config = new AgentConfig.Builder()
      .tunnel(TunnelDefinition.http("web", "8080"), null)
      .tunnel(new TunnelDefinition("ssh", "tcp", "22", null, null, null, null, "both", true, null, null, null, null, null), null)
      .tunnel(TunnelDefinition.http("Odd_Name", "8081"), null)
      .build();

  @Test
  void byName() {
    assertThat(StartCommand.select(config, false, false, List.of("ssh"))).extracting(TunnelDefinition::name).containsExactly("ssh");
  }

  @Test
  void allAndNone() {
    assertThat(StartCommand.select(config, true, false, List.of())).hasSize(3);
    assertThat(StartCommand.select(config, false, true, List.of())).isEmpty();
  }

  @Test
  void unknownNamesAreAllNamed() {
    assertThatThrownBy(() -> StartCommand.select(config, false, false, List.of("web", "nope", "nada")))
        .isInstanceOfSatisfying(BurrowException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TUNNEL_NAME);
          assertThat(e.getMessage()).contains("\"nope\", \"nada\"").contains("defined: web, ssh, Odd_Name");
        });
  }

  @Test
  void tunnelNameIsTheDefaultSubdomainWhenItIsAValidLabel() {
    List<TunnelDefinition> t = StartCommand.select(config, true, false, List.of());
    assertThat(t.get(0).subdomain()).isEqualTo("web");
    assertThat(t.get(1).subdomain()).isNull();
    assertThat(t.get(2).subdomain()).isNull();
  }
}
