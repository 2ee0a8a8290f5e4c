package burrow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UnitRulesTest {

  @Test
  void wildcardCandidatesGoFromMostToLeastSpecific() {
    assertThat(Hostnames.candidates("a.b.example.com"))
        .containsExactly("a.b.example.com", "*.b.example.com", "*.example.com", "*.com");
    assertThat(Hostnames.candidates("*.example.com")).containsExactly("*.example.com", "*.com");
  }

  @Test
  void hostnameValidationNamesTheField() {
    assertThat(Hostnames.validate("hostname", "App.Example.COM")).isEqualTo("app.example.com");
    assertThat(Hostnames.validate("hostname", "*.example.com")).isEqualTo("*.example.com");
    for (String bad : new String[] {"", "a..example.com", ".example.com", "example.com.", "a_b.example.com",
        "a.*.example.com", "*.com", "**.example.com", "a*.example.com", "-a.example.com", "a-.example.com",
        "x".repeat(64) + ".com", ("a".repeat(60) + ".").repeat(5) + "com"}) {
      assertThatThrownBy(() -> Hostnames.validate("hostname", bad)).as(bad)
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.field()).isEqualTo("hostname"));
    }
  }

  @Test
  void limiterBlocksAfterTheBudgetAndForgetsAfterTheWindow() {
    AtomicLong now = new AtomicLong();
    AuthLimiter limiter = new AuthLimiter(3, 1_000, 2, now::get);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.blocked("1.1.1.1")).isFalse();
      limiter.failed("1.1.1.1");
    }
    assertThat(limiter.blocked("1.1.1.1")).isTrue();
    assertThat(limiter.blocked("2.2.2.2")).isFalse();
    now.addAndGet(1_000);
    assertThat(limiter.blocked("1.1.1.1")).isFalse();
    // the table stays within its cap
    limiter.failed("3.3.3.3");
    limiter.failed("4.4.4.4");
    limiter.failed("5.5.5.5");
    assertThat(limiter.blocked("5.5.5.5")).isFalse();
  }

  @Test
  void secretsComparedThroughHashes() {
    assertThat(Secrets.sameSecret("abc", "abc")).isTrue();
    assertThat(Secrets.sameSecret("abc", "abd")).isFalse();
    assertThat(Secrets.sameSecret(null, "abd")).isFalse();
    assertThat(new Secrets().base62(Secrets.SECRET_CHARS)).matches("[0-9A-Za-z]{43}");
  }
}
