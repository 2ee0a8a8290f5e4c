package burrow.agent.cli;

import burrow.agent.config.LocalAddr;
import burrow.agent.config.TunnelDefinition;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code burrow tcp [flags] <port | host:port>}, as ngrok 2's: any TCP service on a public port of the edge. */
@Command(name = "tcp", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "start a TCP tunnel to a local port or address",
    footer = {"", "Examples:", "  burrow tcp 22                              # expose ssh on a public port",
        "  burrow tcp -remote-addr=1.tcp.example.com:20301 22   # on a reserved address",
        "  burrow tcp -proxy-proto=2 6379            # send a PROXY v2 header to the local service"})
public final class TcpCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  AgentFlags flags = new AgentFlags();

  @Option(names = {"-remote-addr", "--remote-addr"}, paramLabel = "HOST:PORT", description = "bind a reserved remote TCP address")
  String remoteAddr;

  @Mixin
  TunnelCommands.ProxyProtoFlag proxyProto = new TunnelCommands.ProxyProtoFlag();

  @Parameters(index = "0", paramLabel = "ADDR", description = "local port or host:port")
  String addr;

  private final EmbeddedEdge embedded;

  public TcpCommand(EmbeddedEdge embedded) {
    this.embedded = embedded;
  }

  @Override
  public Integer call() throws Exception {
    return TunnelCommands.run(spec, flags, embedded, this::definition);
  }

  TunnelDefinition definition() {
    plainAddr(addr);
    if (remoteAddr != null && !remoteAddr.matches("[^:\\s]*:\\d{1,5}")) {
      throw new BurrowException(ErrorCode.USAGE, "-remote-addr must be host:port, not \"" + remoteAddr + "\"");
    }
    return new TunnelDefinition("command_line", "tcp", addr, null, null, null, null, null, false, remoteAddr,
        null, null, null, proxyProto.version());
  }

  /** A tcp or tls tunnel's local address is a port or host:port, never a URL. */
  static LocalAddr plainAddr(String addr) {
    if (addr != null && addr.contains("://")) {
      throw new BurrowException(ErrorCode.BAD_LOCAL_ADDR, "local address \"" + addr + "\" must be a port or host:port");
    }
    return LocalAddr.parse(addr);
  }

  static Integer proxyProto(String v) {
    if (v == null || v.isEmpty() || v.equals("0")) {
      return null;
    }
    if (!v.matches("[12]")) {
      throw new BurrowException(ErrorCode.USAGE, "-proxy-proto must be 1 or 2, not \"" + v + "\"");
    }
    return Integer.parseInt(v);
  }
}
