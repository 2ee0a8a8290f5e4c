package burrow.registry.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations: a {@code schema_version} table and the ordered scripts in {@link #SCRIPTS}.
 * Hand-rolled rather than Flyway because the whole job is six CREATE TABLEs on two databases; Flyway would
 * add a dependency several times larger than this module for no behaviour we use. Scripts are idempotent
 * ({@code IF NOT EXISTS}) because H2 commits DDL implicitly and several members may migrate at once: the
 * loser of a race on the version row rolls back and sees the winner's work.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** Applied in this order; a script's version is its position + 1. Append only, never edit or reorder. */
  public static final List<String> SCRIPTS = List.of("V1__init.sql");

  private Migrations() { }

  /**
   * Brings the schema up to date; safe to call concurrently. Within one JVM the stores of all maps take
   * turns; across members, a statement that lost a race (PostgreSQL's concurrent CREATE TABLE IF NOT
   * EXISTS can fail on its catalog) is retried after the winner's work is visible.
   */
  public static void migrate(Connection conn) throws SQLException {
    synchronized (Migrations.class) {
      for (int attempt = 0; ; attempt++) {
        try {
          try (Statement st = conn.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY,"
                + " script VARCHAR(255) NOT NULL, applied_at TIMESTAMP NOT NULL)");
          }
          applyMissing(conn);
          return;
        } catch (SQLException e) {
          if (attempt >= 4) {
            throw e;
          }
        }
      }
    }
  }

  /** @return the highest applied version, 0 for an empty database */
  public static int currentVersion(Connection conn) throws SQLException {
    return applied(conn).stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  private static Set<Integer> applied(Connection conn) throws SQLException {
    Set<Integer> versions = new HashSet<>();
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT version FROM schema_version")) {
      while (rs.next()) {
        versions.add(rs.getInt(1));
      }
    }
    return versions;
  }

  private static void applyMissing(Connection conn) throws SQLException {
    boolean auto = conn.getAutoCommit();
    conn.setAutoCommit(false);
    try {
      Set<Integer> done = applied(conn);
      for (int i = 0; i < SCRIPTS.size(); i++) {
        int version = i + 1;
        if (done.contains(version)) {
          continue;
        }
        String script = SCRIPTS.get(i);
        try (Statement st = conn.createStatement()) {
          // comments go first: they may contain ';'
          for (String sql : stripComments(read(script)).split(";")) {
            String stmt = sql.trim();
            if (!stmt.isBlank()) {
              st.execute(stmt);
            }
          }
        }
        try (PreparedStatement ps = conn.prepareStatement(
            "INSERT INTO schema_version (version, script, applied_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
          ps.setInt(1, version);
          ps.setString(2, script);
          ps.executeUpdate();
        }
        conn.commit();
        log.atInfo().addKeyValue("version", version).addKeyValue("script", script).log("schema migrated");
      }
    } catch (SQLException e) {
      conn.rollback();
      throw e;
    } finally {
      conn.setAutoCommit(auto);
    }
  }

  private static String stripComments(String sql) {
    StringBuilder out = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (!line.trim().startsWith("--")) {
        out.append(line).append('\n');
      }
    }
    return out.toString().trim();
  }

  private static String read(String script) {
    try (InputStream in = Migrations.class.getResourceAsStream("/burrow/registry/db/" + script)) {
      if (in == null) {
        throw new IllegalStateException("migration script missing from the jar: " + script);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration " + script, e);
    }
  }
}
