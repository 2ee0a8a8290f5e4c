package burrow.registry;

import static burrow.registry.Members.await;
import static org.assertj.core.api.Assertions.assertThat;

import burrow.registry.api.RestApi;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The REST API over HTTP: happy paths, and every kind of bad input answered with a code and nothing written. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiTest {
  static final String ADMIN = "admin-secret";
  @TempDir static Path dir;
  Vertx vertx;
  Members members;
  RegistryServer server;
  WebClient client;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    RegistryOptions o = Members.options(dir, null).setAuthFailuresPerWindow(1000).setMaxBodyBytes(1024);
    members = new Members(o);
    server = await(RegistryServer.start(vertx, members.start(), o));
    client = WebClient.create(vertx);
  }

  @AfterAll
  void stop() {
    await(server.close());
    members.close();
    await(vertx.close());
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, String bearer, Object body) {
    var req = client.request(method, server.actualPort(), "127.0.0.1", path);
    if (bearer != null) {
      req.putHeader("Authorization", "Bearer " + bearer);
    }
    if (body == null) {
      return await(req.send());
    }
    if (body instanceof JsonObject j) {
      return await(req.sendJsonObject(j));
    }
    return await(req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body.toString())));
  }

  /** Asserts a JSON error with this status and code (and field, if given). */
  static void error(HttpResponse<Buffer> r, int status, String code, String field) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    JsonObject e = r.bodyAsJsonObject();
    assertThat(e.getString("error_code")).isEqualTo(code);
    assertThat(e.getInteger("status_code")).isEqualTo(status);
    assertThat(e.getString("msg")).isNotBlank();
    assertThat(e.getJsonObject("details")).isNotNull();
    if (field != null) {
      assertThat(e.getJsonObject("details").getString("field")).isEqualTo(field);
    }
  }

  record User(String id, String token) { }

  User newUser(String name) {
    var r = call(HttpMethod.POST, "/api/accounts", ADMIN, new JsonObject().put("name", name));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject j = r.bodyAsJsonObject();
    return new User(j.getJsonObject("account").getString("id"), j.getJsonObject("token").getString("token"));
  }

  int count(User u, String what) {
    var r = call(HttpMethod.GET, "/api/accounts/me/" + what, u.token(), null);
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray(what).size();
  }

  @Test
  void happyPathsForAUserAndTheOperator() {
    User u = newUser("happy");
    var me = call(HttpMethod.GET, "/api/accounts/me", u.token(), null);
    assertThat(me.bodyAsJsonObject().getString("name")).isEqualTo("happy");
    assertThat(call(HttpMethod.GET, "/api/accounts/" + u.id(), u.token(), null).statusCode()).isEqualTo(200);

    var dom = call(HttpMethod.POST, "/api/accounts/me/domains", u.token(),
        new JsonObject().put("hostname", "www.happy.example").put("region", "eu"));
    assertThat(dom.statusCode()).isEqualTo(201);
    assertThat(dom.bodyAsJsonObject().getString("cname_target")).endsWith(".cname.burrow.test");
    var sub = call(HttpMethod.POST, "/api/accounts/me/domains", u.token(), new JsonObject().put("subdomain", "happy"));
    assertThat(sub.bodyAsJsonObject().getString("hostname")).isEqualTo("happy.burrow.test");
    var addr = call(HttpMethod.POST, "/api/accounts/me/addresses", u.token(), new JsonObject().put("port", 21000));
    assertThat(addr.statusCode()).isEqualTo(201);
    assertThat(addr.bodyAsJsonObject().getString("addr")).isEqualTo("burrow.test:21000");
    var wl = call(HttpMethod.POST, "/api/accounts/me/whitelist", u.token(), new JsonObject().put("ip_net", "10.0.0.0/8"));
    assertThat(wl.statusCode()).isEqualTo(201);
    var tok = call(HttpMethod.POST, "/api/accounts/me/tokens", u.token(), new JsonObject().put("description", "ci"));
    assertThat(tok.statusCode()).isEqualTo(201);
    String second = tok.bodyAsJsonObject().getString("token");
    assertThat(call(HttpMethod.GET, "/api/accounts/me", second, null).statusCode()).isEqualTo(200);

    assertThat(count(u, "domains")).isEqualTo(2);
    assertThat(count(u, "addresses")).isEqualTo(1);
    assertThat(count(u, "whitelist")).isEqualTo(1);
    assertThat(count(u, "tokens")).isEqualTo(2);
    // listings never carry token text or hashes
    String tokens = call(HttpMethod.GET, "/api/accounts/me/tokens", u.token(), null).bodyAsString();
    assertThat(tokens).doesNotContain(second).doesNotContain("hash");

    // remove each again
    String domId = dom.bodyAsJsonObject().getString("id");
    assertThat(call(HttpMethod.DELETE, "/api/accounts/me/domains/" + domId, u.token(), null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.DELETE, "/api/accounts/me/addresses/" + addr.bodyAsJsonObject().getString("id"),
        u.token(), null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.DELETE, "/api/accounts/me/whitelist/" + wl.bodyAsJsonObject().getString("id"),
        u.token(), null).statusCode()).isEqualTo(204);
    var revoked = call(HttpMethod.DELETE, "/api/accounts/me/tokens/" + tok.bodyAsJsonObject().getString("id"), u.token(), null);
    assertThat(revoked.bodyAsJsonObject().getBoolean("revoked")).isTrue();
    error(call(HttpMethod.GET, "/api/accounts/me", second, null), 401, "BRW-401", null);
    assertThat(count(u, "domains")).isEqualTo(1);
    assertThat(count(u, "whitelist")).isZero();

    // the operator sees and manages any account
    var list = call(HttpMethod.GET, "/api/accounts", ADMIN, null);
    assertThat(list.bodyAsJsonObject().getJsonArray("accounts").stream().map(o -> ((JsonObject) o).getString("id")))
        .contains(u.id());
    assertThat(call(HttpMethod.GET, "/api/accounts/" + u.id() + "/domains", ADMIN, null)
        .bodyAsJsonObject().getJsonArray("domains").size()).isEqualTo(1);
    assertThat(call(HttpMethod.DELETE, "/api/accounts/" + u.id(), ADMIN, null).statusCode()).isEqualTo(204);
    error(call(HttpMethod.GET, "/api/accounts/me", u.token(), null), 401, "BRW-401", null);
    error(call(HttpMethod.GET, "/api/accounts/" + u.id(), ADMIN, null), 404, "BRW-404", null);
  }

  @Test
  void authenticationAndAuthorization() {
    User a = newUser("authz-a");
    User b = newUser("authz-b");
    error(call(HttpMethod.GET, "/api/accounts/me", null, null), 401, "BRW-401", "Authorization");
    error(call(HttpMethod.GET, "/api/accounts/me", "bogus_token", null), 401, "BRW-401", null);
    error(call(HttpMethod.GET, "/api/accounts", a.token(), null), 403, "BRW-403", null);
    error(call(HttpMethod.POST, "/api/accounts", a.token(), new JsonObject().put("name", "x")), 403, "BRW-403", null);
    error(call(HttpMethod.GET, "/api/accounts/" + b.id() + "/domains", a.token(), null), 403, "BRW-403", "account");
    error(call(HttpMethod.GET, "/api/accounts/me", ADMIN, null), 400, "BRW-400", "account");
    assertThat(call(HttpMethod.GET, "/api/health", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void badInputIsA4xxWithACodeAndNothingIsWritten() {
    User u = newUser("bad");
    String t = u.token();
    String wl = "/api/accounts/me/whitelist";
    String dom = "/api/accounts/me/domains";
    String adr = "/api/accounts/me/addresses";
    for (String cidr : new String[] {"10.0.0.0/33", "10.0.0/8", "300.1.1.1", "2001:db8::/129", "host.example", ""}) {
      error(call(HttpMethod.POST, wl, t, new JsonObject().put("ip_net", cidr)), 400, "BRW-400", "ip_net");
    }
    error(call(HttpMethod.POST, wl, t, new JsonObject()), 400, "BRW-400", "ip_net");
    error(call(HttpMethod.POST, wl, t, new JsonObject().put("ip_net", 10)), 400, "BRW-400", "ip_net");
    for (String host : new String[] {"a..example.com", "x".repeat(250) + ".com", "a_b.example.com", "a.*.example.com",
        "*.com", "ex ample.com", ""}) {
      error(call(HttpMethod.POST, dom, t, new JsonObject().put("hostname", host)), 400, "BRW-400", "hostname");
    }
    error(call(HttpMethod.POST, dom, t, new JsonObject().put("subdomain", "a_b")), 400, "BRW-400", "subdomain");
    error(call(HttpMethod.POST, dom, t, new JsonObject().put("subdomain", "a").put("hostname", "b.example.com")),
        400, "BRW-400", "hostname");
    error(call(HttpMethod.POST, dom, t, new JsonObject().put("subdomain", "ok").put("region", "mars")),
        400, "BRW-400", "region");
    for (Object port : new Object[] {0, -1, 65536, 70000, "80", 1.5}) {
      error(call(HttpMethod.POST, adr, t, new JsonObject().put("port", port)), 400, "BRW-400", "port");
    }
    error(call(HttpMethod.POST, adr, t, new JsonObject().put("port", 80)), 400, "BRW-400", "port"); // outside range
    // unknown fields, malformed JSON, a non-object
    error(call(HttpMethod.POST, wl, t, new JsonObject().put("ip_net", "10.0.0.1").put("evil", 1)), 400, "BRW-400", "evil");
    error(call(HttpMethod.POST, wl, t, "{\"ip_net\":"), 400, "BRW-400", "body");
    error(call(HttpMethod.POST, wl, t, "[1,2]"), 400, "BRW-400", "body");
    // oversized body (limit 1 KiB here) and wrong content type
    String big = new JsonObject().put("ip_net", "10.0.0.1").put("description", "x".repeat(4000)).encode();
    error(call(HttpMethod.POST, wl, t, big), 413, "BRW-413", "body");
    var plain = await(client.post(server.actualPort(), "127.0.0.1", wl).putHeader("Authorization", "Bearer " + t)
        .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer("{\"ip_net\":\"10.0.0.1\"}")));
    error(plain, 415, "BRW-415", "Content-Type");
    // unknown ids and routes
    error(call(HttpMethod.DELETE, dom + "/rd_nope", t, null), 404, "BRW-404", "domain_id");
    error(call(HttpMethod.DELETE, adr + "/ra_nope", t, null), 404, "BRW-404", "address_id");
    error(call(HttpMethod.DELETE, wl + "/wl_nope", t, null), 404, "BRW-404", "entry_id");
    error(call(HttpMethod.DELETE, "/api/accounts/me/tokens/nope", t, null), 404, "BRW-404", "token_id");
    error(call(HttpMethod.GET, "/api/accounts/ac_nope", ADMIN, null), 404, "BRW-404", "account_id");
    error(call(HttpMethod.GET, "/api/nothing-here", t, null), 404, "BRW-404", null);
    // nothing above was written
    assertThat(count(u, "whitelist")).isZero();
    assertThat(count(u, "domains")).isZero();
    assertThat(count(u, "addresses")).isZero();

    // duplicates are 409 and leave the first in place
    assertThat(call(HttpMethod.POST, dom, t, new JsonObject().put("hostname", "dup.example.net")).statusCode()).isEqualTo(201);
    error(call(HttpMethod.POST, dom, t, new JsonObject().put("hostname", "DUP.example.net")), 409, "BRW-409", "hostname");
    User other = newUser("other");
    error(call(HttpMethod.POST, dom, other.token(), new JsonObject().put("hostname", "dup.example.net")),
        409, "BRW-409", "hostname");
    assertThat(call(HttpMethod.POST, adr, t, new JsonObject().put("port", 22000)).statusCode()).isEqualTo(201);
    error(call(HttpMethod.POST, adr, other.token(), new JsonObject().put("port", 22000)), 409, "BRW-409", "port");
    assertThat(call(HttpMethod.POST, wl, t, new JsonObject().put("ip_net", "192.0.2.0/24")).statusCode()).isEqualTo(201);
    error(call(HttpMethod.POST, wl, t, new JsonObject().put("ip_net", "192.0.2.77/24")), 409, "BRW-409", "ip_net");
    assertThat(count(u, "whitelist")).isEqualTo(1);
    assertThat(count(u, "domains")).isEqualTo(1);
    assertThat(count(u, "addresses")).isEqualTo(1);
    assertThat(count(other, "domains")).isZero();
  }

  @Test
  void openApiDocumentIsServedAndCoversEveryRoute() throws Exception {
    var r = call(HttpMethod.GET, "/openapi.yaml", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    String yaml = r.bodyAsString();
    assertThat(yaml).startsWith("openapi: 3.");
    assertThat(yaml).isEqualTo(java.nio.file.Files.readString(Path.of("src/main/resources/openapi.yaml")));
    Set<String> documented = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^  (/api/\\S*):$").matcher(yaml);
    while (m.find()) {
      documented.add(m.group(1));
    }
    Set<String> served = new TreeSet<>();
    Router router = RestApi.router(vertx, server.registry());
    for (Route route : router.getRoutes()) {
      String p = route.getPath();
      if (p != null && p.startsWith("/api/") && !p.endsWith("*") && !p.endsWith("/")) { // skip "/api/*" handlers
        served.add(p.replaceAll(":(\\w+)", "{$1}"));
      }
    }
    assertThat(documented).isEqualTo(served);
  }
}
