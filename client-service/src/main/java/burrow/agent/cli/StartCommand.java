package burrow.agent.cli;

import burrow.agent.config.AgentConfig;
import burrow.agent.config.ConfigValidator;
import burrow.agent.config.TunnelDefinition;
import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code burrow start [-config FILE]... NAME... | --all | --none}: run tunnels defined in the config files. */
@Command(name = "start", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "start tunnels by name from the configuration file",
    footer = {"", "Examples:", "  burrow start httpbin demo            # start the tunnels named httpbin and demo",
        "  burrow start --all                   # start every tunnel in the configuration file",
        "  burrow start --none                  # start none: manage tunnels through the API",
        "  burrow start -config ~/burrow.yml -config ./project.yml demo admin"})
public final class StartCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  AgentFlags flags = new AgentFlags();

  @Option(names = {"-all", "--all"}, description = "start all tunnels in the configuration file")
  boolean all;

  @Option(names = {"-none", "--none"}, description = "start running no tunnels")
  boolean none;

  @Parameters(arity = "0..*", paramLabel = "NAME", description = "names of tunnels defined in the configuration file")
  List<String> names = new ArrayList<>();

  private final EmbeddedEdge embedded;

  public StartCommand(EmbeddedEdge embedded) {
    this.embedded = embedded;
  }

  @Override
  public Integer call() throws Exception {
    if (none && (all || !names.isEmpty())) {
      throw new ParameterException(spec.commandLine(), ErrorCode.USAGE.code() + ": --none starts no tunnels: give it alone");
    }
    if (!all && !none && names.isEmpty()) {
      throw new ParameterException(spec.commandLine(), ErrorCode.USAGE.code()
          + ": give the names of tunnels to start, or --all, or --none");
    }
    if (all && !names.isEmpty()) {
      throw new ParameterException(spec.commandLine(), ErrorCode.USAGE.code() + ": give tunnel names or --all, not both");
    }
    AgentConfig config = ConfigValidator.load(flags.config);
    List<TunnelDefinition> tunnels = select(config, all, none, names);
    return new AgentRunner(flags, embedded, spec.commandLine().getOut(), spec.commandLine().getErr()).run(config, tunnels);
  }

  /** @throws BurrowException BRW-108 naming each unknown tunnel */
  static List<TunnelDefinition> select(AgentConfig config, boolean all, boolean none, List<String> names) {
    if (none) {
      return List.of();
    }
    List<String> wanted = all ? new ArrayList<>(config.tunnels().keySet()) : names;
    List<String> unknown = wanted.stream().filter(n -> !config.tunnels().containsKey(n)).toList();
    if (!unknown.isEmpty()) {
      String where = config.files().isEmpty() ? "no configuration file was read" : "in " + config.files();
      String defined = config.tunnels().isEmpty() ? "no tunnels are defined" : "defined: " + String.join(", ", config.tunnels().keySet());
      throw new BurrowException(ErrorCode.UNKNOWN_TUNNEL_NAME, "tunnel" + (unknown.size() > 1 ? "s " : " ")
          + String.join(", ", unknown.stream().map(n -> "\"" + n + "\"").toList()) + " not found (" + where + "; "
          + defined + ")");
    }
    List<TunnelDefinition> out = new ArrayList<>();
    for (String n : wanted) {
      out.add(withDefaultSubdomain(config.tunnels().get(n)));
    }
    return out;
  }

  /** The manual: "subdomain: subdomain name to request. If unspecified, uses the tunnel name". */
  static TunnelDefinition withDefaultSubdomain(TunnelDefinition t) {
    if (t.proto().equals("tcp") || t.subdomain() != null || t.hostname() != null
        || !t.name().matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
      return t;
    }
    return new TunnelDefinition(t.name(), t.proto(), t.addr(), t.name(), null, t.auth(), t.hostHeader(), t.bindTls(),
        t.inspect(), t.remoteAddr(), t.crt(), t.key(), t.clientCas(), t.proxyProto());
  }
}
