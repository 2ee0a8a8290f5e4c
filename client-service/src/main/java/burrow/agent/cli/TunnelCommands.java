package burrow.agent.cli;

import burrow.agent.config.TunnelDefinition;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** What {@code burrow http}, {@code tcp} and {@code tls} share: running one tunnel, and the flags two of them take. */
final class TunnelCommands {
  private TunnelCommands() {
  }

  /**
   * Builds the command line's tunnel and runs the agent with it. A bad flag is a usage error (exit 2 with the usage);
   * an unreadable certificate keeps its own code.
   */
  static Integer run(CommandSpec spec, AgentFlags flags, EmbeddedEdge embedded, Supplier<TunnelDefinition> definition)
      throws Exception {
    TunnelDefinition tunnel;
    try {
      tunnel = definition.get();
    } catch (BurrowException e) {
      if (e.code() == ErrorCode.BAD_CERTIFICATE) {
        throw e;
      }
      throw new ParameterException(spec.commandLine(), e.describe());
    }
    return new AgentRunner(flags, embedded, spec.commandLine().getOut(), spec.commandLine().getErr()).run(List.of(tunnel));
  }

  /** {@code -subdomain} and {@code -hostname} (http and tls): at most one of them. */
  static final class NameFlags {
    @Option(names = {"-subdomain", "--subdomain"}, paramLabel = "NAME", description = "host tunnel on a custom subdomain")
    String subdomain;

    @Option(names = {"-hostname", "--hostname"}, paramLabel = "HOST", description = "host tunnel on a custom hostname")
    String hostname;

    void check() {
      if (subdomain != null && hostname != null) {
        throw new BurrowException(ErrorCode.USAGE, "give -subdomain or -hostname, not both");
      }
    }
  }

  /** {@code -proxy-proto} (tcp and tls): a PROXY protocol header of version 1 or 2, or none. */
  static final class ProxyProtoFlag {
    @Option(names = {"-proxy-proto", "--proxy-proto"}, paramLabel = "1|2",
        description = "send a PROXY protocol header (version 1 or 2) to the local service")
    String proxyProto;

    Integer version() {
      return TcpCommand.proxyProto(proxyProto);
    }
  }
}
