package burrow.agent.cli;

import burrow.agent.config.AgentConfig;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import java.util.Locale;

/** Applies the command-line flags on top of the merged config files: defaults ← files in order ← flags. */
final class EffectiveConfig {
  private EffectiveConfig() {
  }

  static AgentConfig apply(AgentFlags flags, AgentConfig files) {
    AgentConfig.Builder b = files.toBuilder();
    if (flags.authtoken != null) {
      b.authtoken(flags.authtoken);
    }
    if (flags.region != null) {
      b.region(flags.region);
    }
    if (flags.server != null) {
      b.serverAddr(flags.server);
    }
    if (flags.rootCas != null) {
      b.rootCas(flags.rootCas);
    }
    if (flags.log != null) {
      b.log(flags.log);
    }
    if (flags.logLevel != null) {
      String l = flags.logLevel.toLowerCase(Locale.ROOT);
      if (!l.matches("crit|error|warn|info|debug")) {
        throw new BurrowException(ErrorCode.USAGE, "unknown -log-level \"" + flags.logLevel
            + "\": use debug, info, warn, error or crit");
      }
      b.logLevel(l);
    }
    if (flags.logFormat != null) {
      String f = flags.logFormat.toLowerCase(Locale.ROOT);
      if (!f.matches("logfmt|json|term")) {
        throw new BurrowException(ErrorCode.USAGE, "unknown -log-format \"" + flags.logFormat + "\": use logfmt, json or term");
      }
      b.logFormat(f);
    }
    return b.build();
  }
}
