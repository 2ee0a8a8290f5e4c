package burrow.registry.model;

/** The single local account of the embedded dev edge, with its (persisted) token. Never log {@link #token()}. */
public record DevAccount(Account account, String token) {
  @Override
  public String toString() {
    return "DevAccount[account=" + account.id() + ", token=HIDDEN]";
  }
}
