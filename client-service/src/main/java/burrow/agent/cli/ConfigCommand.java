package burrow.agent.cli;

import burrow.agent.config.AgentConfig;
import burrow.agent.config.BurrowHome;
import burrow.agent.config.ConfigException;
import burrow.agent.config.ConfigProblem;
import burrow.agent.config.ConfigValidator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code burrow config check}: validates the config files and prints every problem. */
@Command(name = "config", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "work with the configuration file", subcommands = ConfigCommand.Check.class)
public final class ConfigCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: check");
  }

  /** {@code burrow config check [-config FILE]...}. */
  @Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Version.class,
      description = "check the configuration files for problems (exit 0 if valid, 1 if not)")
  static final class Check implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-config", "--config"}, paramLabel = "FILE", description = "config file to check (repeatable)")
    List<String> config = new ArrayList<>();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        AgentConfig c = ConfigValidator.load(config);
        if (c.files().isEmpty()) {
          out.println("No configuration file at " + BurrowHome.defaultConfig() + " (it is optional): defaults apply");
        }
        for (var f : c.files()) {
          out.println("Valid configuration file at " + f);
        }
        c.notes().forEach(n -> out.println("note: " + n));
        out.println(c.tunnels().size() + " tunnel(s) defined" + (c.tunnels().isEmpty() ? "" : ": " + String.join(", ", c.tunnels().keySet())));
        return 0;
      } catch (ConfigException e) {
        err.println(e.problems().size() + " problem(s) in the configuration:");
        for (ConfigProblem p : e.problems()) {
          err.println("  " + p.describe());
        }
        return 1;
      }
    }
  }
}
