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

/** {@code burrow http [flags] <port | host:port | http://host:port | https://host:port>}, as ngrok 2's. */
@Command(name = "http", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "start an HTTP tunnel to a local port or address",
    footer = {"", "Examples:", "  burrow http 8080                     # secure public URL for port 8080",
        "  burrow http -subdomain=baz 8080      # port 8080 at baz.<domain>",
        "  burrow http -auth=\"user:pass\" 8080   # require basic auth",
        "  burrow http https://localhost:8443   # forward to a local HTTPS server"})
public final class HttpCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  AgentFlags flags = new AgentFlags();

  @Mixin
  TunnelCommands.NameFlags names = new TunnelCommands.NameFlags();

  @Option(names = {"-auth", "--auth"}, paramLabel = "USER:PASS", description = "enforce basic auth on the tunnel endpoint")
  String auth;

  @Option(names = {"-host-header", "--host-header"}, paramLabel = "HEADER", description = "set Host header: 'rewrite' for the local address, or a value")
  String hostHeader;

  @Option(names = {"-bind-tls", "--bind-tls"}, paramLabel = "BOTH|TRUE|FALSE", defaultValue = "both",
      description = "listen for http, https or both: true (https only), false (http only), both (default)")
  String bindTls;

  @Option(names = {"-inspect", "--inspect"}, paramLabel = "BOOL", defaultValue = "true", arity = "0..1", fallbackValue = "true",
      description = "enable/disable http introspection (default true)")
  String inspect;

  @Parameters(index = "0", paramLabel = "ADDR", description = "local port, host:port, or http(s)://host:port")
  String addr;

  private final EmbeddedEdge embedded;

  public HttpCommand(EmbeddedEdge embedded) {
    this.embedded = embedded;
  }

  @Override
  public Integer call() throws Exception {
    return TunnelCommands.run(spec, flags, embedded, this::definition);
  }

  TunnelDefinition definition() {
    LocalAddr.parse(addr);
    String bt = bindTls.toLowerCase();
    if (!bt.matches("both|true|false")) {
      throw new BurrowException(ErrorCode.USAGE, "-bind-tls must be true, false or both, not \"" + bindTls + "\"");
    }
    if (!inspect.matches("true|false")) {
      throw new BurrowException(ErrorCode.USAGE, "-inspect must be true or false, not \"" + inspect + "\"");
    }
    if (auth != null && !auth.contains(":")) {
      throw new BurrowException(ErrorCode.USAGE, "-auth must be \"user:password\"");
    }
    names.check();
    return new TunnelDefinition("command_line", "http", addr, names.subdomain, names.hostname, auth, hostHeader, bt,
        Boolean.parseBoolean(inspect), null, null, null, null, null);
  }
}
