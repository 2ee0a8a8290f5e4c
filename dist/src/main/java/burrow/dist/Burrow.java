package burrow.dist;

import burrow.agent.cli.AuthtokenCommand;
import burrow.agent.cli.ConfigCommand;
import burrow.agent.cli.HttpCommand;
import burrow.agent.cli.StartCommand;
import burrow.agent.cli.TcpCommand;
import burrow.agent.cli.TlsCommand;
import burrow.agent.cli.Version;
import burrow.error.BurrowException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one launcher: agent commands, {@code edge}, and the embedded dev edge when no server is configured. */
@Command(name = "burrow", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "burrow: expose a local server to the internet, self-hosted, the ngrok 2 way",
    subcommands = {EdgeCommand.class, RegistryCommand.class, Burrow.VersionCommand.class, CommandLine.HelpCommand.class})
public final class Burrow implements Runnable {
  @picocli.CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Burrow());
    cl.addSubcommand("http", new CommandLine(new HttpCommand(new DevEdge())));
    cl.addSubcommand("start", new CommandLine(new StartCommand(new DevEdge())));
    cl.addSubcommand("authtoken", new CommandLine(new AuthtokenCommand()));
    cl.addSubcommand("config", new CommandLine(new ConfigCommand()));
    cl.addSubcommand("tcp", new CommandLine(new TcpCommand(new DevEdge())));
    cl.addSubcommand("tls", new CommandLine(new TlsCommand(new DevEdge())));
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof BurrowException be) {
        cmd.getErr().println(be.describe());
        return be.code().number() < 200 && be.code().status() == 2 ? 2 : 1;
      }
      throw ex;
    });
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** {@code burrow version}. */
  @Command(name = "version", description = "print the version")
  static final class VersionCommand implements Runnable {
    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().getOut().println("burrow version " + Version.get());
    }
  }
}
