package burrow.dist;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.agent.inspect.InspectOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The inspector UI in headless Chromium (Debian's chromium + chromedriver), against a live tunnel. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class InspectBrowserTest {
  static ChromeDriver driver;
  InspectStack stack;
  WebDriverWait wait;

  @BeforeAll
  static void browser(@TempDir Path profile) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-quic", "--no-first-run", "--disable-dev-shm-usage", "--no-proxy-server",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService svc = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    driver = new ChromeDriver(svc, o);
  }

  @AfterAll
  static void closeBrowser() {
    if (driver != null) {
      driver.quit();
    }
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    stack = new InspectStack(vertx).start(new InspectOptions(), true).await();
    wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    driver.get(stack.webUrl() + "/");
    wait.until(ExpectedConditions.textToBe(By.id("conn"), "live"));
  }

  @AfterEach
  void tearDown() {
    stack.close().await();
  }

  void send(String path, String contentType, String body) {
    stack.bodyVia(HttpMethod.POST, path, contentType, Buffer.buffer(body)).await();
  }

  WebElement row(String path) {
    return wait.until(ExpectedConditions.presenceOfElementLocated(
        By.xpath("//ul[@id='requests']/li[span[@class='path' and text()='" + path + "']]")));
  }

  void open(String path) {
    row(path).click();
    wait.until(ExpectedConditions.textToBe(By.id("summary-title"), "POST " + path));
  }

  @Test
  void requestAppearsLiveAndJsonIsPretty() {
    String before = driver.getCurrentUrl();
    send("/hook?x=1", "application/json", "{\"a\":1,\"b\":[true,null],\"c\":{\"d\":\"e\"}}");
    WebElement li = row("/hook?x=1");                       // no reload: pushed over server-sent events
    assertThat(driver.getCurrentUrl()).isEqualTo(before);
    assertThat(li.findElement(By.className("method")).getText()).isEqualTo("POST");
    wait.until(ExpectedConditions.textToBePresentInElement(li.findElement(By.className("status")), "200"));
    open("/hook?x=1");
    WebElement pretty = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#req-body pre.pretty.json")));
    assertThat(pretty.getText()).isEqualTo("{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null\n  ],\n  \"c\": {\n    \"d\": \"e\"\n  }\n}");
    assertThat(driver.findElement(By.id("req-query")).getText()).contains("x").contains("1");
  }

  @Test
  void brokenJsonShowsTheErrorWhereItIs() {
    String body = "{\n  \"a\": 1,,\n  \"b\": 2\n}";            // the second comma: line 2, column 10, offset 13
    send("/broken", "application/json", body);
    open("/broken");
    WebElement err = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#req-body .syntax-error")));
    assertThat(err.getText()).contains("JSON syntax error").contains("line 2, column 10");
    WebElement mark = driver.findElement(By.cssSelector("#req-body mark.error-at"));
    assertThat(mark.getText()).isEqualTo(",");
    Object offset = ((JavascriptExecutor) driver).executeScript(
        "const m = document.querySelector('#req-body mark.error-at'); return m.previousSibling.textContent.length;");
    assertThat(((Number) offset).intValue()).isEqualTo(body.indexOf(",,") + 1);
  }

  @Test
  void replayReachesTheLocalServiceAndIsCaptured() {
    send("/replay-me", "application/json", "{\"n\":1}");
    open("/replay-me");
    int before = stack.seen.size();
    driver.findElement(By.id("replay")).click();
    wait.until(ExpectedConditions.textToBe(By.id("replay-status"), "Replayed."));
    assertThat(stack.seen).hasSize(before + 1);
    assertThat(stack.seen).last().isEqualTo(new InspectStack.Seen("POST", "/replay-me", "{\"n\":1}"));
    wait.until(d -> d.findElements(By.xpath("//ul[@id='requests']/li[span[@class='path' and contains(., '/replay-me')]]")).size() == 2);
    WebElement replayRow = driver.findElement(By.xpath("//ul[@id='requests']/li[span[@class='path']/span[@class='replay-mark']]"));
    replayRow.click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("summary"), "Replay of"));
  }

  @Test
  void replayWithModificationsSendsTheEditedRequest() {
    send("/edit-me", "application/json", "{\"original\":true}");
    open("/edit-me");
    driver.findElement(By.id("replay-mod")).click();
    WebElement path = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("mod-path")));
    assertThat(driver.findElement(By.id("mod-body")).getAttribute("value")).isEqualTo("{\"original\":true}");
    driver.findElement(By.id("mod-method")).clear();
    driver.findElement(By.id("mod-method")).sendKeys("PUT");
    path.clear();
    path.sendKeys("/edited?v=2");
    WebElement headers = driver.findElement(By.id("mod-headers"));
    headers.sendKeys("\nX-Edited: yes");
    WebElement body = driver.findElement(By.id("mod-body"));
    body.clear();
    body.sendKeys("{\"edited\":true}");
    driver.findElement(By.id("mod-send")).click();
    wait.until(ExpectedConditions.textToBe(By.id("replay-status"), "Replayed."));
    assertThat(stack.seen).last().isEqualTo(new InspectStack.Seen("PUT", "/edited?v=2", "{\"edited\":true}"));
    WebElement edited = row("/edited?v=2");
    edited.click();
    wait.until(ExpectedConditions.textToBe(By.id("summary-title"), "PUT /edited?v=2"));
    driver.findElement(By.cssSelector("nav.tabs[data-pane='req'] button[data-tab='headers']")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("req-headers"), "X-Edited"));
  }

  @Test
  void scriptInACapturedBodyDoesNotRun() {
    String evil = "<script>window.pwned=1;document.title='pwned'</script><img src=x onerror=\"window.pwned=2\">";
    send("/evil", "text/html", evil);
    open("/evil");
    WebElement shown = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#req-body pre.raw-body")));
    assertThat(shown.getText()).isEqualTo(evil);            // shown as text
    for (String tab : List.of("raw", "hex", "headers", "summary")) {
      driver.findElement(By.cssSelector("nav.tabs[data-pane='req'] button[data-tab='" + tab + "']")).click();
    }
    driver.findElement(By.id("copy-curl")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("curl-out")));
    assertThat(driver.findElement(By.id("curl-out")).getAttribute("value")).startsWith("curl -X POST 'http://")
        .contains("--data-binary '<script>");
    Object pwned = ((JavascriptExecutor) driver).executeScript("return typeof window.pwned;");
    assertThat(pwned).isEqualTo("undefined");
    assertThat(driver.getTitle()).isEqualTo("burrow inspector");
    assertThat(driver.findElements(By.cssSelector("#detail script, #detail img"))).isEmpty();
  }

  @Test
  void harExportAndFilterAndClear() {
    send("/alpha", "text/plain", "a");
    send("/beta", "text/plain", "b");
    row("/alpha");
    row("/beta");
    driver.findElement(By.id("filter")).sendKeys("alpha");
    wait.until(d -> !row("/beta").isDisplayed() && row("/alpha").isDisplayed());
    @SuppressWarnings("unchecked")
    var har = (java.util.Map<String, Object>) ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1]; window.burrowInspector.buildHar().then(done);");
    @SuppressWarnings("unchecked")
    var log = (java.util.Map<String, Object>) har.get("log");
    assertThat(log.get("version")).isEqualTo("1.2");
    assertThat((List<?>) log.get("entries")).hasSize(1);
    driver.findElement(By.id("clear")).click();
    wait.until(d -> d.findElements(By.cssSelector("#requests li")).isEmpty());
    assertThat(stack.store.size()).isZero();
  }
}
