package burrow.agent.console;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;

/**
 * ngrok's full-screen console (JLine 3): redrawn in place on its own thread (terminal writes block; never on an event
 * loop), at most every {@link #REFRESH_MILLIS} ms and on every change, resized on SIGWINCH, and the terminal restored
 * (alternate screen left, cursor shown, attributes back) on {@link #close()}, which the CLI's shutdown hook calls on
 * exit and Ctrl-C.
 */
public final class ConsoleUi implements AutoCloseable {
  /** Longest time between redraws, in milliseconds: 1000 (rates move even when nothing happens). */
  public static final long REFRESH_MILLIS = 1000;
  /** Shortest time between redraws, in milliseconds: 100. */
  public static final long MIN_REDRAW_MILLIS = 100;

  private final AgentStatus status;
  private final boolean black;
  private final Terminal terminal;
  private final Display display;
  private final Attributes saved;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "burrow-console");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ConsoleUi(AgentStatus status, boolean black, Terminal terminal) {
    this.status = status;
    this.black = black;
    this.terminal = terminal;
    this.saved = terminal.enterRawMode();
    this.display = new Display(terminal, true);
    // the alternate screen keeps the user's scrollback intact; plain ANSI when terminfo lacks the capability
    if (!terminal.puts(Capability.enter_ca_mode)) {
      terminal.writer().print("\u001b[?1049h");
    }
    if (!terminal.puts(Capability.cursor_invisible)) {
      terminal.writer().print("\u001b[?25l");
    }
    terminal.flush();
    display.resize(terminal.getHeight(), terminal.getWidth());
    terminal.handle(Terminal.Signal.WINCH, sig -> thread.execute(this::resizeAndDraw));
    // JLine's native signal support would put SIGINT back to the OS default, which kills the JVM without running
    // shutdown hooks (so the screen would never be restored): exit through System.exit instead
    terminal.handle(Terminal.Signal.INT, sig -> new Thread(() -> System.exit(130), "burrow-exit").start());
    // raw mode: Ctrl-C arrives as a byte; turn it into the same exit as a SIGINT so shutdown hooks restore the screen
    Thread reader = new Thread(() -> {
      try {
        while (!closed.get()) {
          int c = terminal.reader().read(250);
          if (c == 3) {
            new Thread(() -> System.exit(130), "burrow-exit").start();
            return;
          }
          if (c == -1) {
            return;
          }
        }
      } catch (IOException ignored) {
        // terminal closed
      }
    }, "burrow-console-keys");
    reader.setDaemon(true);
    reader.start();
    status.onChange(this::requestDraw);
    thread.scheduleAtFixedRate(this::draw, 0, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Opens the system terminal and starts drawing. */
  public static ConsoleUi start(AgentStatus status, boolean black) throws IOException {
    Terminal t = TerminalBuilder.builder().system(true).nativeSignals(true).build();
    return new ConsoleUi(status, black, t);
  }

  /** @return whether standard out is a terminal (console_ui: iftty) */
  public static boolean stdoutIsTerminal() {
    return System.console() != null;
  }

  private void requestDraw() {
    if (pending.compareAndSet(false, true)) {
      thread.schedule(() -> {
        pending.set(false);
        draw();
      }, MIN_REDRAW_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void resizeAndDraw() {
    Size size = terminal.getSize();
    display.clear();
    display.resize(size.getRows(), size.getColumns());
    draw();
  }

  private synchronized void draw() {
    if (closed.get()) {
      return;
    }
    try {
      Size size = terminal.getSize();
      int w = Math.max(20, size.getColumns());
      int h = Math.max(5, size.getRows());
      List<String> lines = ConsoleScreen.render(status, w, h);
      List<AttributedString> out = new ArrayList<>();
      AttributedStyle base = black ? AttributedStyle.DEFAULT.background(AttributedStyle.BLACK).foreground(AttributedStyle.WHITE)
          : AttributedStyle.DEFAULT;
      for (int i = 0; i < h; i++) {
        String line = i < lines.size() ? lines.get(i) : "";
        AttributedStringBuilder b = new AttributedStringBuilder().style(base);
        if (i == 0) {
          b.style(base.bold().foreground(AttributedStyle.CYAN)).append(line);
        } else if (line.startsWith("Session Status")) {
          b.append(line, 0, Math.min(30, line.length()));
          AttributedStyle st = status.status().equals("online") ? base.foreground(AttributedStyle.GREEN)
              : base.foreground(AttributedStyle.YELLOW);
          b.style(st).append(line.length() > 30 ? line.substring(30) : "");
        } else {
          b.append(line);
        }
        if (black) {
          b.style(base).append(" ".repeat(Math.max(0, w - line.length())));
        }
        out.add(b.toAttributedString());
      }
      display.update(out, -1);
      terminal.flush();
    } catch (RuntimeException e) {
      // a drawing failure must not kill the agent; the next tick tries again
    }
  }

  /** Restores the terminal: leaves the alternate screen, shows the cursor, restores attributes. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    thread.shutdownNow();
    synchronized (this) {
      try {
        terminal.puts(Capability.cursor_visible);
        terminal.puts(Capability.exit_ca_mode);
        terminal.flush();
        terminal.setAttributes(saved);
      } catch (RuntimeException e) {
        // JLine's own shutdown hook may have closed the terminal first (Ctrl-C): restore with plain ANSI
      }
    }
    // always also leave the alternate screen and show the cursor with the plain sequences, straight to the tty
    System.out.print("\u001b[?25h\u001b[?1049l");
    System.out.flush();
    try {
      terminal.close();
    } catch (IOException | RuntimeException ignored) {
      // nothing left to restore
    }
  }
}
