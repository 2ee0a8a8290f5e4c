package burrow.registry;

import static burrow.registry.Members.await;
import static burrow.registry.Members.failure;
import static org.assertj.core.api.Assertions.assertThat;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.registry.model.Account;
import burrow.registry.model.ReservedAddress;
import burrow.registry.model.ReservedDomain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The Java API the edge calls: authentication, wildcard rules, TCP addresses, whitelist, dev account. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryApiTest {
  @TempDir static Path dir;
  Vertx vertx;
  Members members;
  Registry registry;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    RegistryOptions o = Members.options(dir, null).setAuthFailuresPerWindow(3)
        .setRegions(Map.of("us", new RegionOptions(), "eu", new RegionOptions().setTcpHost("eu.tcp.burrow.test"),
            "tiny", new RegionOptions().setPortMin(30000).setPortMax(30001)));
    members = new Members(o);
    registry = await(Registry.create(vertx, members.start(), o));
  }

  @AfterAll
  void stop() {
    registry.close();
    members.close();
    await(vertx.close());
  }

  private Account account(String name) {
    return await(registry.createAccount(name)).account();
  }

  private static ErrorCode code(Future<?> f) {
    Throwable t = failure(f);
    assertThat(t).isInstanceOf(BurrowException.class);
    return ((BurrowException) t).code();
  }

  @Test
  void wildcardRulesMostSpecificWins() {
    Account a = account("a");
    Account b = account("b");
    await(registry.reserveDomain(a.id(), null, "*.example.com", "us"));
    await(registry.checkHostname(a.id(), "us", "foo.example.com"));
    await(registry.checkHostname(a.id(), "us", "x.y.example.com"));        // any depth
    await(registry.checkHostname(a.id(), "us", "*.example.com"));
    assertThat(code(registry.checkHostname(a.id(), "eu", "foo.example.com"))).isEqualTo(ErrorCode.RESERVED_IN_OTHER_REGION);
    assertThat(code(registry.checkHostname(b.id(), "us", "foo.example.com"))).isEqualTo(ErrorCode.RESERVED_ELSEWHERE);
    assertThat(code(registry.checkHostname(b.id(), "us", "*.sub.example.com"))).isEqualTo(ErrorCode.RESERVED_ELSEWHERE);
    await(registry.checkHostname(b.id(), "us", "example.com"));             // the wildcard does not cover its base
    // others cannot reserve below a wildcard
    assertThat(code(registry.reserveDomain(b.id(), null, "foo.example.com", "us"))).isEqualTo(ErrorCode.REG_CONFLICT);
    assertThat(code(registry.reserveDomain(b.id(), null, "*.sub.example.com", "us"))).isEqualTo(ErrorCode.REG_CONFLICT);
    // the owner may carve out a more specific name in another region; it wins for that name only
    await(registry.reserveDomain(a.id(), null, "eu.example.com", "eu"));
    await(registry.checkHostname(a.id(), "eu", "eu.example.com"));
    assertThat(code(registry.checkHostname(a.id(), "us", "eu.example.com"))).isEqualTo(ErrorCode.RESERVED_IN_OTHER_REGION);
    assertThat(code(registry.checkHostname(a.id(), "eu", "bar.example.com"))).isEqualTo(ErrorCode.RESERVED_IN_OTHER_REGION);
    // an exact name reserved first keeps winning under a later wildcard of another account
    await(registry.reserveDomain(b.id(), null, "x.other.org", "us"));
    await(registry.reserveDomain(a.id(), null, "*.other.org", "us"));
    await(registry.checkHostname(b.id(), "us", "x.other.org"));
    assertThat(code(registry.checkHostname(b.id(), "us", "y.other.org"))).isEqualTo(ErrorCode.RESERVED_ELSEWHERE);
    assertThat(await(registry.findDomain("deep.y.other.org")).map(ReservedDomain::hostname)).contains("*.other.org");
    // unreserved names are free
    await(registry.checkHostname(b.id(), "us", "free.unreserved.net"));
  }

  @Test
  void customDomainsGetACnameTargetSubdomainsDoNot() {
    Account a = account("cname");
    ReservedDomain custom = await(registry.reserveDomain(a.id(), null, "App.Custom.io", null));
    assertThat(custom.hostname()).isEqualTo("app.custom.io");
    assertThat(custom.region()).isEqualTo("us");
    assertThat(custom.cnameTarget()).matches("[a-z0-9]{12}\\.cname\\.burrow\\.test");
    ReservedDomain sub = await(registry.reserveDomain(a.id(), "myapp", null, "eu"));
    assertThat(sub.hostname()).isEqualTo("myapp.burrow.test");
    assertThat(sub.cnameTarget()).isNull();
    assertThat(code(registry.reserveDomain(a.id(), "myapp", null, "us"))).isEqualTo(ErrorCode.REG_CONFLICT);
    assertThat(code(registry.reserveDomain(a.id(), "*", null, "us"))).isEqualTo(ErrorCode.REG_VALIDATION);
    assertThat(code(registry.reserveDomain(a.id(), "x", null, "mars"))).isEqualTo(ErrorCode.REG_VALIDATION);
  }

  @Test
  void tcpAddressesComeFromTheRegionRangeAndBelongToOneAccount() {
    Account a = account("tcp-a");
    Account b = account("tcp-b");
    ReservedAddress us = await(registry.reserveAddress(a.id(), "us", null));
    assertThat(us.port()).isBetween(RegionOptions.DEFAULT_PORT_MIN, RegionOptions.DEFAULT_PORT_MAX);
    assertThat(us.host()).isEqualTo("burrow.test");
    await(registry.checkTcpAddress(a.id(), "us", us.addr()));
    await(registry.checkTcpAddress(a.id(), "us", String.valueOf(us.port())));  // bare port: region's host
    assertThat(code(registry.checkTcpAddress(a.id(), "eu", us.addr()))).isEqualTo(ErrorCode.RESERVED_IN_OTHER_REGION);
    assertThat(code(registry.checkTcpAddress(b.id(), "us", us.addr()))).isEqualTo(ErrorCode.RESERVED_ELSEWHERE);
    assertThat(code(registry.checkTcpAddress(b.id(), "us", "burrow.test:abc"))).isEqualTo(ErrorCode.BAD_BIND);
    await(registry.checkTcpAddress(b.id(), "us", "burrow.test:1"));           // unreserved
    ReservedAddress eu = await(registry.reserveAddress(a.id(), "eu", 25000));
    assertThat(eu.addr()).isEqualTo("eu.tcp.burrow.test:25000");
    assertThat(code(registry.reserveAddress(b.id(), "eu", 25000))).isEqualTo(ErrorCode.REG_CONFLICT);
    // a region whose range is used up says so
    await(registry.reserveAddress(a.id(), "tiny", null));
    await(registry.reserveAddress(b.id(), "tiny", null));
    assertThat(code(registry.reserveAddress(b.id(), "tiny", null))).isEqualTo(ErrorCode.REG_PORTS_EXHAUSTED);
  }

  @Test
  void authenticationHashesRevokesAndLimitsGuessingPerSource() {
    Registry.NewAccount n = await(registry.createAccount("auth"));
    String token = n.token().token();
    assertThat(token).matches("[0-9A-Za-z]{12}_[0-9A-Za-z]{43}");
    assertThat(n.token().toString()).doesNotContain(token);
    assertThat(await(registry.authenticate(token, "192.0.2.1")).id()).isEqualTo(n.account().id());
    String wrongSecret = token.substring(0, 13) + "x".repeat(43);
    assertThat(code(registry.authenticate(wrongSecret, "192.0.2.9"))).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(code(registry.authenticate("nounderscore", "192.0.2.9"))).isEqualTo(ErrorCode.AUTH_FAILED);
    assertThat(code(registry.authenticate("unknownid_" + "y".repeat(43), "192.0.2.9"))).isEqualTo(ErrorCode.AUTH_FAILED);
    // three failures used this source's budget: even the right token is refused now, elsewhere it works
    assertThat(code(registry.authenticate(token, "192.0.2.9"))).isEqualTo(ErrorCode.AUTH_RATE_LIMITED);
    await(registry.authenticate(token, "192.0.2.10"));
    // revoked tokens say so
    await(registry.revokeToken(n.account().id(), n.token().record().id()));
    assertThat(code(registry.authenticate(token, "192.0.2.11"))).isEqualTo(ErrorCode.AUTH_TOKEN_REVOKED);
    assertThat(await(registry.tokens(n.account().id()))).singleElement()
        .satisfies(t -> assertThat(t.revoked()).isTrue());
  }

  @Test
  void whitelistEmptyAllowsAllThenOnlyListedBlocks() {
    Account a = account("wl");
    assertThat(await(registry.isAllowed(a.id(), "198.51.100.7"))).isTrue();
    await(registry.addWhitelist(a.id(), "198.51.100.0/24", "office"));
    await(registry.addWhitelist(a.id(), "2001:db8::/48", ""));
    assertThat(code(registry.addWhitelist(a.id(), "198.51.100.9/24", "same block"))).isEqualTo(ErrorCode.REG_CONFLICT);
    assertThat(code(registry.addWhitelist(a.id(), "198.51.100.0/33", ""))).isEqualTo(ErrorCode.REG_VALIDATION);
    // the listener updates this member's snapshot asynchronously: poll with a deadline
    Poll.until(() -> !registry.allowsNow(a.id(), "203.0.113.1") && registry.allowsNow(a.id(), "2001:db8:0:1::5"));
    assertThat(await(registry.isAllowed(a.id(), "198.51.100.7"))).isTrue();
    assertThat(await(registry.isAllowed(a.id(), "2001:db8:0:1::5"))).isTrue();
    assertThat(await(registry.isAllowed(a.id(), "2001:db9::5"))).isFalse();
    // other accounts are not affected
    assertThat(await(registry.isAllowed(account("other").id(), "203.0.113.1"))).isTrue();
  }

  @Test
  void devAccountIsCreatedOnceAndKeepsItsToken() {
    var first = await(registry.createDevAccount());
    var second = await(registry.createDevAccount());
    assertThat(second.token()).isEqualTo(first.token());
    assertThat(second.account().id()).isEqualTo(first.account().id());
    assertThat(await(registry.authenticate(first.token(), "127.0.0.1")).id()).isEqualTo(first.account().id());
    assertThat(first.toString()).doesNotContain(first.token());
  }
}
