package burrow.agent.cli;

import picocli.CommandLine.IVersionProvider;

/** The build's version, from the jar manifest (or "dev" when run from classes). */
public final class Version implements IVersionProvider {
  public static String get() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"burrow version " + get()};
  }
}
