package burrow.agent.config;

import java.nio.file.Path;

/** The agent's home directory: {@code $BURROW_HOME}, or {@code ~/.burrow}. */
public final class BurrowHome {
  private BurrowHome() {
  }

  public static Path dir() {
    String env = System.getenv("BURROW_HOME");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".burrow");
  }

  /** The default config file, read when no {@code -config} is given; no error when it is missing. */
  public static Path defaultConfig() {
    return dir().resolve("burrow.yml");
  }
}
