package burrow.registry;

import static burrow.registry.Members.await;
import static burrow.registry.Members.failure;
import static org.assertj.core.api.Assertions.assertThat;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.registry.model.DevAccount;
import burrow.registry.model.ReservedAddress;
import burrow.registry.model.WhitelistEntry;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability of the registry maps, run against each store: a two-member cluster loses a member and keeps
 * everything; the whole cluster stops, new members start on the same database, and everything is back.
 */
abstract class DurabilityContract {
  @TempDir Path dir;
  Vertx vertx;
  Members cluster;

  /** @return the JDBC URL to test against, null for the default H2 file under {@link #dir} */
  abstract String jdbcUrl();

  RegistryOptions options() {
    return Members.options(dir, jdbcUrl());
  }

  @BeforeEach
  void setUp() throws SQLException {
    vertx = Vertx.vertx();
    if (jdbcUrl() != null) {
      try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement st = c.createStatement()) {
        for (String t : new String[] {"accounts", "tokens", "domains", "addresses", "whitelist", "meta"}) {
          st.execute("DROP TABLE IF EXISTS registry_" + t);
        }
        st.execute("DROP TABLE IF EXISTS schema_version");
      }
    }
  }

  @AfterEach
  void tearDown() {
    if (cluster != null) {
      cluster.close();
    }
    await(vertx.close());
  }

  /** Everything the registry keeps, written once, checked after each disaster. */
  record Fixture(String accountId, String token, String revokedToken, String host, ReservedAddress addr,
                 WhitelistEntry entry, DevAccount dev) { }

  Fixture write(Registry r) {
    Registry.NewAccount n = await(r.createAccount("durable"));
    String id = n.account().id();
    String revoked = await(r.createToken(id, "to revoke")).token();
    await(r.revokeToken(id, revoked.substring(0, revoked.indexOf('_'))));
    await(r.reserveDomain(id, null, "*.durable.example", "eu"));
    ReservedAddress addr = await(r.reserveAddress(id, "us", null));
    WhitelistEntry entry = await(r.addWhitelist(id, "198.51.100.0/24", "office"));
    DevAccount dev = await(r.createDevAccount());
    return new Fixture(id, n.token().token(), revoked, "*.durable.example", addr, entry, dev);
  }

  void verify(Registry r, Fixture f) {
    assertThat(await(r.account(f.accountId())).name()).isEqualTo("durable");
    assertThat(await(r.authenticate(f.token(), "127.0.0.1")).id()).isEqualTo(f.accountId());
    assertThat(code(r.authenticate(f.revokedToken(), "127.0.0.1"))).isEqualTo(ErrorCode.AUTH_TOKEN_REVOKED);
    assertThat(await(r.tokens(f.accountId()))).hasSize(2);
    await(r.checkHostname(f.accountId(), "eu", "api.durable.example"));
    assertThat(code(r.checkHostname("someone-else", "eu", "api.durable.example"))).isEqualTo(ErrorCode.RESERVED_ELSEWHERE);
    assertThat(await(r.domains(f.accountId()))).hasSize(1);
    await(r.checkTcpAddress(f.accountId(), "us", f.addr().addr()));
    assertThat(code(r.checkTcpAddress("someone-else", "us", f.addr().addr()))).isEqualTo(ErrorCode.RESERVED_ELSEWHERE);
    assertThat(await(r.whitelist(f.accountId()))).containsExactly(f.entry());
    assertThat(await(r.isAllowed(f.accountId(), "198.51.100.20"))).isTrue();
    assertThat(await(r.isAllowed(f.accountId(), "203.0.113.20"))).isFalse();
    DevAccount dev = await(r.createDevAccount());
    assertThat(dev.token()).isEqualTo(f.dev().token());
  }

  static ErrorCode code(Future<?> f) {
    return ((BurrowException) failure(f)).code();
  }

  long rows(String table) throws SQLException {
    String url = options().effectiveJdbcUrl();
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void losingAMemberLosesNothingAndWhitelistChangesReachTheOtherWithinASecond() throws SQLException {
    cluster = new Members(options());
    HazelcastInstance a = cluster.start();
    HazelcastInstance b = cluster.start();
    assertThat(a.getCluster().getMembers()).hasSize(2);
    Registry ra = await(Registry.create(vertx, a, options()));
    Registry rb = await(Registry.create(vertx, b, options()));
    Fixture f = write(rb);
    // write-through: the rows are in the database as soon as the writes returned
    assertThat(rows("registry_accounts")).isGreaterThanOrEqualTo(2);
    assertThat(rows("registry_whitelist")).isEqualTo(1);

    // a whitelist change on one member is enforced on the other within 1 s, both ways
    Poll.within(1000, () -> !ra.allowsNow(f.accountId(), "203.0.113.20"));
    WhitelistEntry second = await(rb.addWhitelist(f.accountId(), "2001:db8::/32", ""));
    Poll.within(1000, () -> ra.allowsNow(f.accountId(), "2001:db8::9"));
    await(ra.removeWhitelist(f.accountId(), second.id()));
    Poll.within(1000, () -> !rb.allowsNow(f.accountId(), "2001:db8::9"));

    rb.close();
    b.getLifecycleService().terminate();        // a crash, not a goodbye
    Poll.until(() -> a.getCluster().getMembers().size() == 1);
    verify(ra, f);
    ra.close();
  }

  @Test
  void aFullRestartOnTheSameDatabaseBringsEverythingBack() {
    cluster = new Members(options());
    HazelcastInstance a = cluster.start();
    cluster.start();
    Registry ra = await(Registry.create(vertx, a, options()));
    Fixture f = write(ra);
    ra.close();
    cluster.close();

    cluster = new Members(options());            // new members, new cluster, same database
    HazelcastInstance c = cluster.start();
    HazelcastInstance d = cluster.start();
    Registry rc = await(Registry.create(vertx, c, options()));
    Registry rd = await(Registry.create(vertx, d, options()));
    verify(rc, f);
    verify(rd, f);
    rc.close();
    rd.close();
  }
}
