package burrow.registry;

import static org.junit.jupiter.api.Assertions.fail;

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
      // Tagged "postgres": excluded unless the postgres profile is on, and then it fails rather than skips.
      fail("TEST_PG_URL is not set: run under registry-service/src/test/pg/with-postgres.sh");
    }
  }

  @Override
  String jdbcUrl() {
    return System.getenv("TEST_PG_URL");
  }
}
