package burrow.agent.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The agent's SLF4J 2 provider: logfmt / JSON Lines / term with stable keys ({@code t lvl msg obj ...}), per
 * {@code log}, {@code log_level} and {@code log_format}.
 *
 * <p>Hand-written (about 200 lines with {@link BurrowLogger} and {@link LogLine}) rather than Logback or Log4j 2:
 * tools that wrap ngrok 2 parse these exact lines from {@code --log=stdout}, so the format must be ours byte for byte,
 * the config can switch target and format at start-up without a config file of the logging framework, secrets must
 * be scrubbed from every line, and the shaded jar stays small. slf4j-simple can do neither logfmt nor JSON.
 */
public final class BurrowLogProvider implements SLF4JServiceProvider {
  private final ConcurrentMap<String, BurrowLogger> loggers = new ConcurrentHashMap<>();
  private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, BurrowLogger::new);
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
  }
}
