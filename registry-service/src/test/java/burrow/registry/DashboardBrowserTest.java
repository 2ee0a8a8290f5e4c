package burrow.registry;

import static burrow.registry.Members.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The dashboard in headless Chromium: log in, see, add and remove; markup in data is shown as text. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {
  static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
      "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage");
  @TempDir static Path dir;
  @TempDir static Path profile;
  Vertx vertx;
  Members members;
  RegistryServer server;
  ChromeDriver driver;
  WebDriverWait wait;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    RegistryOptions o = Members.options(dir, null);
    members = new Members(o);
    server = await(RegistryServer.start(vertx, members.start(), o));
    ChromeOptions co = new ChromeOptions();
    co.setBinary("/usr/bin/chromium");
    co.addArguments(FLAGS);
    co.addArguments("--user-data-dir=" + profile);
    ChromeDriverService svc = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    driver = new ChromeDriver(svc, co);
    wait = new WebDriverWait(driver, Duration.ofSeconds(15));
  }

  @AfterAll
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    await(server.close());
    members.close();
    await(vertx.close());
  }

  private List<String> column(String tbody, int col) {
    // one script call reads the whole column, so a re-render in between cannot leave a stale element
    Object texts = driver.executeScript("return Array.from(document.querySelectorAll(arguments[0]))"
        + ".map(e => e.textContent);", "#" + tbody + " tr td:nth-child(" + col + ")");
    return ((List<?>) texts).stream().map(String::valueOf).toList();
  }

  private void type(String id, String text) {
    WebElement e = driver.findElement(By.id(id));
    e.clear();
    e.sendKeys(text);
  }

  @Test
  void logInSeeAddAndRemoveWithEverythingEscaped() {
    String evil = "<img src=x onerror=\"document.title='pwned'\">";
    Registry.NewAccount n = await(server.registry().createAccount(evil));
    String id = n.account().id();
    await(server.registry().reserveDomain(id, null, "shop.example.org", "eu"));
    await(server.registry().createToken(id, "<b>bold</b>"));

    driver.get("http://127.0.0.1:" + server.actualPort() + "/");
    type("login-token", "wrong_token");
    driver.findElement(By.id("login-button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "BRW-401"));

    type("login-token", n.token().token());
    driver.findElement(By.id("login-button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("account-view")));
    wait.until(ExpectedConditions.textToBe(By.id("account-name"), evil));   // shown as text, not markup
    assertThat(driver.findElements(By.cssSelector("#account-name img"))).isEmpty();
    assertThat(driver.getTitle()).isEqualTo("burrow dashboard");
    assertThat(column("tokens", 2)).contains("<b>bold</b>", "initial token");
    assertThat(column("domains", 1)).containsExactly("shop.example.org");
    assertThat(column("domains", 3).get(0)).endsWith(".cname.burrow.test");

    // add a whitelist entry; a bad one shows its code and adds nothing
    type("whitelist-cidr", "10.0.0.0/33");
    driver.findElement(By.id("whitelist-add")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "BRW-400"));
    type("whitelist-cidr", "198.51.100.0/24");
    type("whitelist-description", "<script>alert(1)</script>");
    driver.findElement(By.id("whitelist-add")).click();
    wait.until(d -> column("whitelist", 1).contains("198.51.100.0/24"));
    assertThat(column("whitelist", 2)).containsExactly("<script>alert(1)</script>");
    assertThat(await(server.registry().whitelist(id))).hasSize(1);

    // reserve a wildcard domain and a TCP address
    type("domain-name", "*.apps.example.org");
    driver.findElement(By.id("domain-add")).click();
    wait.until(d -> column("domains", 1).contains("*.apps.example.org"));
    driver.findElement(By.id("address-add")).click();
    wait.until(d -> column("addresses", 1).size() == 1);
    assertThat(column("addresses", 1).get(0)).startsWith("burrow.test:");

    // create a token: its text is shown once
    type("token-description", "laptop");
    driver.findElement(By.id("token-add")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-token")));
    String shown = driver.findElement(By.id("new-token-value")).getText();
    assertThat(await(server.registry().authenticate(shown, "127.0.0.1")).id()).isEqualTo(id);

    // remove the whitelist entry and release the domain
    driver.findElement(By.cssSelector("#whitelist tr button.remove")).click();
    wait.until(d -> column("whitelist", 1).isEmpty());
    driver.findElement(By.cssSelector("#domains tr button.remove")).click();
    wait.until(d -> column("domains", 1).size() == 1);
    assertThat(await(server.registry().whitelist(id))).isEmpty();
    assertThat(driver.getTitle()).isEqualTo("burrow dashboard");
  }
}
