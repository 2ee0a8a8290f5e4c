package burrow.registry;

import burrow.error.BurrowException;
import burrow.error.ErrorCode;
import burrow.registry.model.Account;
import burrow.registry.model.AuthToken;
import burrow.registry.model.DevAccount;
import burrow.registry.model.IssuedToken;
import burrow.registry.store.RegistryMaps;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Accounts and their authtokens: creation, listing, revocation and authentication. */
class Accounts {
  private static final Logger log = LoggerFactory.getLogger(Accounts.class);
  private static final String DEV_KEY = "dev-account";
  static final int MAX_NAME = 100;
  static final int MAX_DESCRIPTION = 255;

  private final Vertx vertx;
  private final RegistryMaps maps;
  private final Secrets secrets;
  private final AuthLimiter limiter;

  Accounts(Vertx vertx, RegistryMaps maps, Secrets secrets, AuthLimiter limiter) {
    this.vertx = vertx;
    this.maps = maps;
    this.secrets = secrets;
    this.limiter = limiter;
  }

  <T> Future<T> async(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }

  Future<Account> authenticate(String token, String sourceIp) {
    if (limiter.blocked(sourceIp)) {
      return Future.failedFuture(new BurrowException(ErrorCode.AUTH_RATE_LIMITED,
          "too many failed authentication attempts from this address; wait a minute and try again"));
    }
    int sep = token == null ? -1 : token.indexOf('_');
    if (sep <= 0 || sep == token.length() - 1) {
      return Future.failedFuture(authFailed(sourceIp));
    }
    String id = token.substring(0, sep);
    return async(maps.tokens().getAsync(id)).compose(stored -> {
      if (stored == null) {
        return Future.failedFuture(authFailed(sourceIp));
      }
      AuthToken t = AuthToken.fromJson(new JsonObject(stored.toString()));
      // lookup was by id; the secret part is only ever compared as a hash, in constant time
      if (!java.security.MessageDigest.isEqual(Secrets.sha256(token), HexFormat.of().parseHex(t.hash()))) {
        return Future.failedFuture(authFailed(sourceIp));
      }
      if (t.revoked()) {
        return Future.failedFuture(new BurrowException(ErrorCode.AUTH_TOKEN_REVOKED,
            "this authtoken was revoked; create a new one on the dashboard and run: burrow authtoken <token>"));
      }
      return get(t.accountId()).recover(err -> Future.failedFuture(authFailed(sourceIp)));
    });
  }

  private BurrowException authFailed(String sourceIp) {
    limiter.failed(sourceIp);
    return new BurrowException(ErrorCode.AUTH_FAILED,
        "the authtoken is not valid; copy it from the dashboard and run: burrow authtoken <token>");
  }

  record NewAccount(Account account, IssuedToken token) { }

  Future<NewAccount> create(String name) {
    String n = checkText("name", name, MAX_NAME, true);
    Account account = new Account("ac_" + secrets.base62(16), n, Instant.now());
    return async(maps.accounts().setAsync(account.id(), json(account.toJson())))
        .compose(v -> createToken(account.id(), "initial token"))
        .map(tok -> {
          log.atInfo().addKeyValue("account", account.id()).log("account created");
          return new NewAccount(account, tok);
        });
  }

  Future<Account> get(String id) {
    return async(maps.accounts().getAsync(id)).compose(v -> v == null
        ? Future.failedFuture(RegistryException.notFound("account_id", "no account " + id))
        : Future.succeededFuture(Account.fromJson(new JsonObject(v.toString()))));
  }

  Future<List<Account>> list() {
    return vertx.executeBlocking(() -> maps.accounts().values().stream()
        .map(v -> Account.fromJson(new JsonObject(v.toString())))
        .sorted(Comparator.comparing(Account::createdAt)).toList(), false);
  }

  /** Deletes the account and its tokens; reservations and whitelist go through their owners first. */
  Future<Void> delete(String id) {
    return get(id).compose(a -> vertx.executeBlocking(() -> {
      IMap<String, HazelcastJsonValue> tokens = maps.tokens();
      tokens.keySet(Predicates.equal("account_id", id)).forEach(tokens::delete);
      maps.accounts().delete(id);
      log.atInfo().addKeyValue("account", id).log("account deleted");
      return null;
    }, false));
  }

  Future<IssuedToken> createToken(String accountId, String description) {
    String d = checkText("description", description, MAX_DESCRIPTION, false);
    String id = secrets.base62(12);
    String token = id + "_" + secrets.base62(Secrets.SECRET_CHARS);
    AuthToken rec = new AuthToken(id, accountId, Secrets.sha256Hex(token), d, Instant.now(), null);
    return async(maps.tokens().setAsync(id, json(rec.toJson()))).map(v -> {
      log.atInfo().addKeyValue("account", accountId).addKeyValue("token_id", id).addKeyValue("token", "HIDDEN")
          .log("authtoken created");
      return new IssuedToken(rec, token);
    });
  }

  Future<List<AuthToken>> listTokens(String accountId) {
    return vertx.executeBlocking(() -> maps.tokens().values(Predicates.equal("account_id", accountId)).stream()
        .map(v -> AuthToken.fromJson(new JsonObject(v.toString())))
        .sorted(Comparator.comparing(AuthToken::createdAt)).toList(), false);
  }

  Future<AuthToken> revokeToken(String accountId, String tokenId) {
    return async(maps.tokens().getAsync(tokenId)).compose(v -> {
      AuthToken t = v == null ? null : AuthToken.fromJson(new JsonObject(v.toString()));
      if (t == null || !t.accountId().equals(accountId)) {
        return Future.failedFuture(RegistryException.notFound("token_id", "no token " + tokenId + " on this account"));
      }
      AuthToken revoked = t.revoke(Instant.now());
      return async(maps.tokens().setAsync(tokenId, json(revoked.toJson()))).map(x -> {
        log.atInfo().addKeyValue("account", accountId).addKeyValue("token_id", tokenId).log("authtoken revoked");
        return revoked;
      });
    });
  }

  /**
   * The dev edge's one local account, created on first use. Its token text is kept in the meta map (the
   * one place a token is stored in the clear) so a restart hands out the same token; dev mode only.
   */
  Future<DevAccount> devAccount() {
    return vertx.executeBlocking(() -> {
      IMap<String, HazelcastJsonValue> meta = maps.meta();
      meta.lock(DEV_KEY);
      try {
        HazelcastJsonValue known = meta.get(DEV_KEY);
        if (known != null) {
          JsonObject j = new JsonObject(known.toString());
          String token = j.getString("token");
          HazelcastJsonValue acct = maps.accounts().get(j.getString("account_id"));
          HazelcastJsonValue tok = maps.tokens().get(token.substring(0, token.indexOf('_')));
          if (acct != null && tok != null && !AuthToken.fromJson(new JsonObject(tok.toString())).revoked()) {
            return new DevAccount(Account.fromJson(new JsonObject(acct.toString())), token);
          }
        }
        Account account = new Account("ac_" + secrets.base62(16), "dev", Instant.now());
        String id = secrets.base62(12);
        String token = id + "_" + secrets.base62(Secrets.SECRET_CHARS);
        AuthToken rec = new AuthToken(id, account.id(), Secrets.sha256Hex(token), "dev edge", Instant.now(), null);
        maps.accounts().set(account.id(), json(account.toJson()));
        maps.tokens().set(id, json(rec.toJson()));
        meta.set(DEV_KEY, json(new JsonObject().put("account_id", account.id()).put("token", token)));
        log.atInfo().addKeyValue("account", account.id()).addKeyValue("token", "HIDDEN").log("dev account created");
        return new DevAccount(account, token);
      } finally {
        meta.unlock(DEV_KEY);
      }
    }, false);
  }

  static HazelcastJsonValue json(JsonObject o) {
    return new HazelcastJsonValue(o.encode());
  }

  static String checkText(String field, String value, int max, boolean required) {
    String v = value == null ? "" : value.trim();
    if (required && v.isEmpty()) {
      throw RegistryException.invalid(field, field + " is required");
    }
    if (v.length() > max) {
      throw RegistryException.invalid(field, field + " is longer than " + max + " characters");
    }
    if (v.chars().anyMatch(Character::isISOControl)) {
      throw RegistryException.invalid(field, field + " contains control characters");
    }
    return v;
  }
}
