package burrow.agent.cli;

import burrow.agent.config.AuthtokenFile;
import burrow.agent.config.BurrowHome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code burrow authtoken TOKEN}: saves the token in the config file, keeping the rest of it as it was. */
@Command(name = "authtoken", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "save authtoken to configuration file",
    footer = {"", "Example:", "  burrow authtoken 4nq9771bPxe8ctg7LKr_2ClH7Y15Zqe4bWLWF9p"})
public final class AuthtokenCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = {"-config", "--config"}, paramLabel = "FILE",
      description = "config file to write (default ~/.burrow/burrow.yml; given more than once, the last)")
  List<String> config = new ArrayList<>();

  @Parameters(index = "0", paramLabel = "TOKEN", description = "the authtoken")
  String token;

  @Override
  public Integer call() {
    Path file = config.isEmpty() ? BurrowHome.defaultConfig() : Path.of(config.get(config.size() - 1));
    AuthtokenFile.write(file, token);
    spec.commandLine().getOut().println("Authtoken saved to configuration file: " + file);
    return 0;
  }
}
