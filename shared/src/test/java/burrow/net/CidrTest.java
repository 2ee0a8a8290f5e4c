package burrow.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrTest {

  @Test
  void ipv4BlocksMatchTheirAddressesOnly() {
    Cidr c = Cidr.parse("10.1.2.3/8");
    assertThat(c.toString()).isEqualTo("10.0.0.0/8");
    assertThat(c.contains("10.255.0.1")).isTrue();
    assertThat(c.contains("11.0.0.1")).isFalse();
    assertThat(Cidr.parse("192.168.1.7").contains("192.168.1.7")).isTrue();
    assertThat(Cidr.parse("192.168.1.7").contains("192.168.1.8")).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").contains("8.8.8.8")).isTrue();
    assertThat(Cidr.parse("203.0.113.0/25").contains("203.0.113.127")).isTrue();
    assertThat(Cidr.parse("203.0.113.0/25").contains("203.0.113.128")).isFalse();
  }

  @Test
  void ipv6BlocksAndMappedAddresses() {
    Cidr c = Cidr.parse("2001:db8::/32");
    assertThat(c.isIpv6()).isTrue();
    assertThat(c.contains("2001:db8:ffff::1")).isTrue();
    assertThat(c.contains("2001:db9::1")).isFalse();
    assertThat(c.contains("10.0.0.1")).isFalse();
    assertThat(Cidr.parse("::1").contains("[::1]")).isTrue();
    // a dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d
    assertThat(Cidr.parse("10.0.0.0/8").contains("::ffff:10.1.1.1")).isTrue();
  }

  @Test
  void rejectsWhatIsNotCidr() {
    for (String bad : new String[] {"", " ", "10.0.0.0/33", "10.0.0/8", "256.1.1.1", "10.0.0.1/", "10.0.0.1/-1",
        "example.com", "2001:db8::/129", "1.2.3.4/8/8", "::g", "10.0.0.1/ab"}) {
      assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
      assertThat(Cidr.tryParse(bad)).as(bad).isEmpty();
    }
    assertThat(Cidr.parse("10.0.0.0/8").contains("not-an-ip")).isFalse();
  }
}
