package io.mailpipe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Debian chromium driven through its chromedriver (both from {@code .ci/run}), at 1280 px wide, writing
 * screenshots under {@code target/console-screenshots/}. Nothing is downloaded: the driver and browser are named.
 */
public final class Browser implements AutoCloseable {

    public static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String NAVIGATES = """
            const e = arguments[0];
            return e.matches('a[href]') || (e.form != null && e.matches('button:not([type=button]):not([type=reset]), input[type=submit]'));""";

    private final ChromeDriver driver;
    private final WebDriverWait wait;

    public Browser() {
        this(1280, 900);
    }

    public Browser(int width, int height) {
        ChromeOptions options = new ChromeOptions().setBinary(executable("chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=" + width + "," + height, "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(executable("chromedriver")).toFile()).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        // While a page is being replaced by the next, an element found on it goes stale: look again, as for a missing one.
        this.wait = new WebDriverWait(driver, PATIENCE);
        wait.ignoring(StaleElementReferenceException.class);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public Browser open(String url) {
        driver.get(url);
        return this;
    }

    public WebElement find(String css) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    public String text(String css) {
        return wait.until(d -> find(css).getText());
    }

    public Browser type(String css, String text) {
        WebElement field = find(css);
        field.clear();
        field.sendKeys(text);
        return this;
    }

    /**
     * Clicks the element; when it follows a link or submits a form, returns only once the next page has replaced this
     * one, so that what the test reads or runs next meets the new page, never the old one still showing.
     */
    public Browser click(String css) {
        WebElement element = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(css)));
        boolean navigates = Boolean.TRUE.equals(driver.executeScript(NAVIGATES, element));
        WebElement page = driver.findElement(By.tagName("html"));
        element.click();
        if (navigates) {
            wait.until(d -> replaced(page));
        }
        return this;
    }

    /** Waits until the page's text holds {@code text}. */
    public Browser awaitText(String text) {
        wait.until(d -> d.findElement(By.tagName("body")).getText().contains(text));
        return this;
    }

    /** Chromedriver reports an element of a page already replaced either as stale or as not of the document. */
    private static boolean replaced(WebElement page) {
        try {
            page.isEnabled();
            return false;
        } catch (StaleElementReferenceException gone) {
            return true;
        } catch (WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    public boolean present(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    /** Writes the page as {@code target/console-screenshots/<name>.png} and returns the path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }

    private static String executable(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is not installed: .ci/run installs Debian's chromium and chromium-driver"
                + " (apt-get install chromium chromium-driver)");
    }
}
