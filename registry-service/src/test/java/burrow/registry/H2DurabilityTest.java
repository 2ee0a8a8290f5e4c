package burrow.registry;

/** The durability suite on the default store: an H2 file under the data directory. */
class H2DurabilityTest extends DurabilityContract {
  @Override
  String jdbcUrl() {
    return null;
  }
}
