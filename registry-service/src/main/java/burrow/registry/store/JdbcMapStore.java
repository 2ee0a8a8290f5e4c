package burrow.registry.store;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.MapLoaderLifecycleSupport;
import com.hazelcast.map.MapStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Write-through persistence of one registry map into one table {@code (k, v)}, values as JSON text.
 * Hazelcast creates one instance per map per member (by class name, so the config can be sent to other
 * members) and calls it on partition threads, never on an event loop. One connection, used under this
 * object's lock, reopened once if it went away.
 *
 * <p>Properties: {@code jdbcUrl}, {@code jdbcUser}, {@code jdbcPassword} (optional), {@code table}.
 */
public class JdbcMapStore implements MapStore<String, HazelcastJsonValue>, MapLoaderLifecycleSupport {
  private static final Pattern TABLE = Pattern.compile("[a-z_]{1,64}");

  private String url;
  private String user;
  private String password;
  private String table;
  private boolean h2;
  private Connection conn;

  public JdbcMapStore() { }

  @Override
  public synchronized void init(HazelcastInstance hz, Properties props, String mapName) {
    url = props.getProperty("jdbcUrl");
    user = props.getProperty("jdbcUser");
    password = props.getProperty("jdbcPassword");
    table = props.getProperty("table");
    if (url == null || table == null || !TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException("map store for " + mapName + " needs jdbcUrl and a plain table name");
    }
    try {
      Migrations.migrate(connection());
    } catch (SQLException e) {
      // the message of a driver exception never holds the password; the URL may, so it is not printed
      throw new IllegalStateException("registry database unavailable: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void destroy() {
    closeQuietly();
  }

  private Connection connection() throws SQLException {
    if (conn == null || conn.isClosed()) {
      conn = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
      conn.setAutoCommit(true);
      h2 = conn.getMetaData().getDatabaseProductName().toLowerCase().contains("h2");
    }
    return conn;
  }

  private void closeQuietly() {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException ignored) {
        // closing: nothing left to do with it
      }
      conn = null;
    }
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work}, once more on a fresh connection if the first attempt failed on a broken one. */
  private <T> T withConnection(Work<T> work) {
    try {
      return work.run(connection());
    } catch (SQLException first) {
      try {
        if (conn != null && conn.isValid(2)) {
          throw first;
        }
        closeQuietly();
        return work.run(connection());
      } catch (SQLException e) {
        throw new IllegalStateException("registry database write failed on " + table + ": " + e.getMessage(), e);
      }
    }
  }

  @Override
  public synchronized void store(String key, HazelcastJsonValue value) {
    withConnection(c -> {
      String sql = h2 ? "MERGE INTO " + table + " (k, v) KEY (k) VALUES (?, ?)"
          : "INSERT INTO " + table + " (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, key);
        ps.setString(2, value.toString());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public synchronized void storeAll(Map<String, HazelcastJsonValue> map) {
    map.forEach(this::store);
  }

  @Override
  public synchronized void delete(String key) {
    withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE k = ?")) {
        ps.setString(1, key);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public synchronized void deleteAll(Collection<String> keys) {
    keys.forEach(this::delete);
  }

  @Override
  public synchronized HazelcastJsonValue load(String key) {
    return withConnection(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT v FROM " + table + " WHERE k = ?")) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? new HazelcastJsonValue(rs.getString(1)) : null;
        }
      }
    });
  }

  @Override
  public synchronized Map<String, HazelcastJsonValue> loadAll(Collection<String> keys) {
    Map<String, HazelcastJsonValue> out = new HashMap<>();
    for (String k : keys) {
      HazelcastJsonValue v = load(k);
      if (v != null) {
        out.put(k, v);
      }
    }
    return out;
  }

  @Override
  public synchronized Iterable<String> loadAllKeys() {
    return withConnection(c -> {
      List<String> keys = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT k FROM " + table); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(rs.getString(1));
        }
      }
      return keys;
    });
  }
}
