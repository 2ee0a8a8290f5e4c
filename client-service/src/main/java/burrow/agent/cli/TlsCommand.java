package burrow.agent.cli;

import burrow.agent.config.TunnelDefinition;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code burrow tls [flags] <port | host:port>}, as ngrok 2's: the edge routes TLS connections by SNI name without
 * terminating them; with {@code -crt}/{@code -key} the agent terminates TLS and the local service gets plaintext.
 */
@Command(name = "tls", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "start a TLS tunnel (routed by SNI name) to a local port or address",
    footer = {"", "Examples:", "  burrow tls -subdomain=encrypted 443     # the local server does the TLS handshake",
        "  burrow tls -hostname=secure.example.com -crt=cert.pem -key=key.pem 80   # the agent terminates TLS",
        "  burrow tls -subdomain=mtls -crt=c.pem -key=k.pem -client-cas=cas.pem 80 # and requires client certificates"})
public final class TlsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  AgentFlags flags = new AgentFlags();

  @Mixin
  TunnelCommands.NameFlags names = new TunnelCommands.NameFlags();

  @Option(names = {"-crt", "--crt"}, paramLabel = "FILE", description = "PEM certificate: the agent terminates TLS")
  String crt;

  @Option(names = {"-key", "--key"}, paramLabel = "FILE", description = "PEM private key for -crt")
  String key;

  @Option(names = {"-client-cas", "--client-cas"}, paramLabel = "FILE", description = "PEM CAs: require client certificates signed by them (mutual TLS)")
  String clientCas;

  @Mixin
  TunnelCommands.ProxyProtoFlag proxyProto = new TunnelCommands.ProxyProtoFlag();

  @Parameters(index = "0", paramLabel = "ADDR", description = "local port or host:port")
  String addr;

  private final EmbeddedEdge embedded;

  public TlsCommand(EmbeddedEdge embedded) {
    this.embedded = embedded;
  }

  @Override
  public Integer call() throws Exception {
    return TunnelCommands.run(spec, flags, embedded, this::definition);
  }

  TunnelDefinition definition() {
    TcpCommand.plainAddr(addr);
    names.check();
    if ((crt == null) != (key == null)) {
      throw new BurrowException(ErrorCode.USAGE, "give both -crt and -key to terminate TLS at the agent, or neither");
    }
    if (clientCas != null && crt == null) {
      throw new BurrowException(ErrorCode.USAGE, "-client-cas needs -crt and -key: the agent must terminate TLS to check client certificates");
    }
    for (String f : new String[] {crt, key, clientCas}) {
      if (f != null && !Files.isReadable(Path.of(f))) {
        throw new BurrowException(ErrorCode.BAD_CERTIFICATE, "cannot read \"" + f + "\"");
      }
    }
    return new TunnelDefinition("command_line", "tls", addr, names.subdomain, names.hostname, null, null, null, false,
        null, crt, key, clientCas, proxyProto.version());
  }
}
