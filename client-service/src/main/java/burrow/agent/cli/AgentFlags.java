package burrow.agent.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags every agent command shares, in ngrok 2 spelling; picocli accepts each with one dash or two, and with
 * {@code =} or a space before the value.
 */
public class AgentFlags {
  @Option(names = {"-config", "--config"}, paramLabel = "FILE", description = "config file to read (repeatable; later files override earlier ones)")
  public List<String> config = new ArrayList<>();

  @Option(names = {"-authtoken", "--authtoken"}, paramLabel = "TOKEN", description = "authtoken to identify this agent to the edge")
  public String authtoken;

  @Option(names = {"-region", "--region"}, paramLabel = "REGION", description = "edge region (us, eu, ap, au, ...)")
  public String region;

  @Option(names = {"-server", "--server", "-server-addr", "--server-addr"}, paramLabel = "HOST:PORT", description = "the edge's control address (default: an embedded edge on this machine)")
  public String server;

  @Option(names = {"-root-cas", "--root-cas"}, paramLabel = "CAS", description = "trust for the edge: host (system roots), trusted (the edge CA in the burrow home), or a PEM file")
  public String rootCas;

  @Option(names = {"-log", "--log"}, paramLabel = "TARGET", description = "where to log: stdout, stderr, false, or a file path (default false)")
  public String log;

  @Option(names = {"-log-level", "--log-level"}, paramLabel = "LEVEL", description = "debug, info, warn, error, crit (default info)")
  public String logLevel;

  @Option(names = {"-log-format", "--log-format"}, paramLabel = "FORMAT", description = "logfmt, json or term")
  public String logFormat;
}
