package burrow.agent.cli;

import burrow.agent.config.AgentConfig;
import burrow.agent.log.LogSettings;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import java.io.IOException;

/** Points the agent's logger ({@link LogSettings}) at {@code log} with {@code log_level} and {@code log_format}. */
final class LogSetup {
  private LogSetup() {
  }

  static void configure(AgentConfig config) {
    try {
      LogSettings.configure(config.log(), config.logLevel(), config.logFormat());
    } catch (IOException e) {
      throw new BurrowException(ErrorCode.CONFIG_INVALID, "cannot open log file \"" + config.log() + "\": " + e.getMessage());
    }
    LogSettings.addSecret(config.authtoken());
    for (var t : config.tunnels().values()) {
      if (t.auth() != null && t.auth().contains(":")) {
        LogSettings.addSecret(t.auth().substring(t.auth().indexOf(':') + 1));
      }
    }
    for (String p : new String[] {config.httpProxy(), config.socks5Proxy()}) {
      if (p != null && p.matches(".*//[^/@]*:[^/@]+@.*")) {
        LogSettings.addSecret(p.replaceAll(".*//[^/:@]*:([^/@]+)@.*", "$1"));
      }
    }
  }
}
