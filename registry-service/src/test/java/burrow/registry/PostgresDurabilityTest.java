package burrow.registry;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * The durability suite on PostgreSQL at {@code TEST_PG_URL}. Excluded from the default run by its tag;
 * {@code -Ppostgres} includes it and sets {@code burrow.requirePg=true}, so a missing database is a
 * failure there, never a silent skip. Run it with {@code src/test/pg/with-postgres.sh} (see README.md).
 */
@Tag("postgres")
class PostgresDurabilityTest extends DurabilityContract {

  @BeforeAll
  static void needsPostgres() {
    String url = System.getenv("TEST_PG_URL");
    if (url == null || url.isBlank()) {
      if (Boolean.getBoolean("burrow.requirePg")) {
        fail("TEST_PG_URL is not set but burrow.requirePg=true: run under src/test/pg/with-postgres.sh");
      }
      assumeTrue(false, "TEST_PG_URL not set");
    }
  }

  @Override
  String jdbcUrl() {
    return System.getenv("TEST_PG_URL");
  }
}
