package io.mailpipe.console;

import static io.mailpipe.ops.DeadLetters.PATIENCE;
import static io.mailpipe.ops.DeadLetters.awaitEntry;
import static io.mailpipe.ops.DeadLetters.ops;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.mail.MessagingException;

import org.junit.jupiter.api.Test;

import io.mailpipe.ops.DeadLetters;
import io.mailpipe.suppress.SuppressionList;
import io.mailpipe.testing.Browser;
import io.mailpipe.testing.Events;
import io.mailpipe.testing.KafkaBrokerResource;
import io.mailpipe.testing.PipelineTestSupport;
import io.mailpipe.testing.SmtpServerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The console in a real browser (headless chromium) against the running application, a real broker and a real SMTP
 * server: what an operator does at 3 a.m., and what a viewer may not. Each step leaves a screenshot under
 * {@code target/console-screenshots/}.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = SmtpServerResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ConsoleBrowserTest extends PipelineTestSupport {

    static final String VIEWER_TOKEN = "test-viewer-token";

    @TestHTTPResource("/")
    URL root;

    @Inject
    SuppressionList suppressions;

    @Test
    void operatorFixesARejectedAddressReplaysItAndTheMailArrives() {
        String wrong = Events.uniqueRecipient("wrong-");
        String fixed = Events.uniqueRecipient("fixed-");
        smtp.replyToRecipient(wrong, "550 5.1.1 <" + wrong + ">: User unknown");
        String eventId = Events.uniqueId("console");
        kafka.send(REQUESTS, eventId, Events.orderConfirmation(eventId, wrong));
        String entryId = awaitEntry(eventId);

        try (Browser browser = new Browser()) {
            signIn(browser, DeadLetters.TOKEN, "ada");
            browser.find("#entries");
            browser.screenshot("01-dead-letters");

            browser.click("details.filters summary").type("input[name=recipient]", wrong).click("#apply-filter");
            assertThat(browser.text("#total")).startsWith("1 entry matches the filter");
            browser.screenshot("02-dead-letters-filtered-by-recipient");
            browser.click(".entry-link");
            assertThat(browser.text("#entry-id")).isEqualTo(entryId);
            assertThat(browser.text("#entry-reason")).contains("550");
            assertThat(browser.text("#preview-subject")).isNotBlank();
            browser.screenshot("03-dead-letter-entry");

            // Unchanged, the replay would only meet the bounce again: the address is suppressed by it.
            browser.type("#set", "").click("#replay");
            assertThat(browser.text("#results")).contains("fails-again").contains(wrong);
            assertThat(browser.present("#confirm")).isTrue();
            browser.screenshot("04-dry-run-unchanged-address");
            browser.driver().navigate().back();

            browser.type("#set", "{\"to\": [\"Ada Lovelace <" + fixed + ">\"]}").click("#replay");
            assertThat(browser.text("h1")).isEqualTo("Replay 1 entry?");
            assertThat(browser.text("#results")).contains("send " + fixed);
            assertThat(smtp.firstFor(fixed)).as("a dry run sends nothing").isEmpty();
            browser.screenshot("05-dry-run-fixed-address");
            browser.click("#confirm").awaitText("Replayed");
            assertThat(browser.text("#results")).contains("replayed");
            browser.screenshot("06-replayed");

            await().atMost(PATIENCE).until(() -> smtp.firstFor(fixed).isPresent());
            browser.open(root + "console/dead-letters/" + entryId);
            assertThat(browser.text("#entry-state")).startsWith("replayed by console:operator:ada");
            assertThat(browser.text("#actions")).as("the audit trail, without the dry runs")
                    .contains("replay by console:operator:ada: replayed with the changes").contains(fixed)
                    .doesNotContain("would-replay");
        }
    }

    @Test
    void operatorDiscardsAnEntryOnlyAfterConfirmingIt() {
        String entryId = deadLetterOf("console");

        try (Browser browser = new Browser()) {
            signIn(browser, DeadLetters.TOKEN, "bob");
            browser.open(root + "console/dead-letters/" + entryId).click("#discard");
            assertThat(browser.text("h1")).isEqualTo("Discard 1 entry?");
            assertThat(state(entryId)).as("asking is not doing").isEqualTo("open");
            browser.screenshot("07-discard-confirmation");
            browser.click("#confirm").awaitText("Discarded");
            assertThat(state(entryId)).isEqualTo("discarded");
        }
    }

    @Test
    void aBulkDiscardActsOnTheEntriesItsDryRunShowedNotOnThoseArrivingMeanwhile() {
        String team = Events.uniqueId("bulk");
        List<String> shown = List.of(deadLetterOf(team), deadLetterOf(team));

        try (Browser browser = new Browser()) {
            signIn(browser, DeadLetters.TOKEN, "dee");
            browser.open(root + "console/dead-letters?tag=" + URLEncoder.encode("team=" + team, StandardCharsets.UTF_8));
            assertThat(browser.text("#total")).startsWith("2 entries");
            browser.click("#bulk-discard");
            assertThat(browser.text("h1")).isEqualTo("Discard 2 entries?");
            assertThat(browser.text("#as-of")).contains("not on any that arrive meanwhile");
            browser.screenshot("15-bulk-discard-confirmation");
            String late = deadLetterOf(team);
            browser.click("#confirm").awaitText("Discarded");
            assertThat(browser.text("#results")).contains(shown).doesNotContain(late);
            assertThat(shown).allSatisfy(id -> assertThat(state(id)).isEqualTo("discarded"));
            assertThat(state(late)).isEqualTo("open");
        }
    }

    @Test
    void operatorSuppressesAnAddressAndRemovesItAgain() {
        String address = Events.uniqueRecipient("blocked-");
        try (Browser browser = new Browser()) {
            signIn(browser, DeadLetters.TOKEN, "cy");
            browser.open(root + "console/suppressions").click("details.add summary")
                    .type("#add-address", address).type("#add-reason", "asked to be removed").click("#add");
            assertThat(browser.text("#message")).isEqualTo("Suppressed " + address + ".");
            assertThat(browser.text("#suppressions tbody tr:first-child")).contains(address).contains("asked to be removed")
                    .contains("console:operator:cy").contains("all mail");
            browser.screenshot("08-suppressions");

            browser.click("#suppressions tbody tr:first-child button.remove");
            assertThat(browser.text("h1")).isEqualTo("Remove " + address + " from the suppression list?");
            browser.screenshot("09-unsuppress-confirmation");
            browser.click("#confirm");
            assertThat(browser.text("#message")).isEqualTo("Removed " + address + " from the suppression list.");
            assertThat(browser.present("#suppressions tbody tr")
                    && browser.text("#suppressions tbody tr:first-child").contains(address)).isFalse();
        }
    }

    @Test
    void operatorSuppressesAnAddressForBulkMailOnly() {
        String address = Events.uniqueRecipient("bulk-only-");
        try (Browser browser = new Browser()) {
            signIn(browser, DeadLetters.TOKEN, "cy");
            browser.open(root + "console/suppressions").click("details.add summary").type("#add-address", address)
                    .click("#add-scope option[value=bulk]").type("#add-reason", "asked for no newsletters").click("#add");
            assertThat(browser.text("#message")).isEqualTo("Suppressed " + address + ".");
            assertThat(browser.text("#suppressions tbody tr:first-child")).contains(address).contains("bulk mail only");
        }
        assertThat(suppressions.suppressed(address, "bulk")).isTrue();
        assertThat(suppressions.suppressed(address)).as("receipts still go").isFalse();
    }

    @Test
    void anUnsubscribeShowsItCoversOneStreamAndRemovingItLiftsIt() {
        String reader = Events.uniqueRecipient("unsubscribed-");
        suppressions.unsubscribe(reader, "bulk", "newsletter-1");
        try (Browser browser = new Browser()) {
            signIn(browser, DeadLetters.TOKEN, "cy");
            browser.open(root + "console/suppressions?from=" + URLEncoder.encode(reader, StandardCharsets.UTF_8));
            assertThat(browser.text("#suppressions tbody tr:first-child")).contains(reader).contains("bulk mail only")
                    .contains("unsubscribed (one-click)");

            browser.click("#suppressions tbody tr:first-child button.remove");
            assertThat(browser.text("#entries")).contains("for bulk mail").doesNotContain("all mail");
            browser.click("#confirm");
            assertThat(browser.text("#message")).isEqualTo("Removed " + reader + " from the suppression list.");
        }
        assertThat(suppressions.suppressed(reader, "bulk")).isFalse();
    }

    @Test
    void operatorPausesTheBulkStreamAfterAConfirmationAndItsMailWaitsUntilResumed() {
        String reader = Events.uniqueRecipient("paused-");
        String id = Events.uniqueId("paused");
        try (Browser browser = new Browser()) {
            signIn(browser, DeadLetters.TOKEN, "cy");
            browser.open(root + "console/streams").type("#reason-bulk", "list import under review")
                    .click("#stream-bulk button.pause");
            assertThat(browser.text("h1")).isEqualTo("Pause the bulk stream?");
            assertThat(browser.text("#consequence")).contains("nothing is dropped");
            browser.screenshot("16-pause-confirmation");
            browser.click("#confirm");
            assertThat(browser.text("#message")).isEqualTo("Paused bulk.");
            assertThat(browser.text("#stream-bulk .state")).contains("paused by console:operator:cy")
                    .contains("list import under review");
            assertThat(browser.text("#stream-transactional .state")).isEqualTo("sending");
            browser.screenshot("17-streams-bulk-paused");

            kafka.send("email.requests.bulk", id, Events.bulk(id, reader));
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> smtp.firstFor(reader).isEmpty());

            browser.click("#stream-bulk button.resume");
            assertThat(browser.text("#message")).isEqualTo("Resumed bulk.");
            assertThat(browser.text("#stream-bulk .state")).isEqualTo("sending");
        }
        await().atMost(PATIENCE).until(() -> smtp.firstFor(reader).isPresent());
    }

    @Test
    void operatorEndsAViewersSessionAndItsNextPageAsksToSignIn() {
        String viewerName = "eve" + System.nanoTime();
        try (Browser viewer = new Browser(); Browser operator = new Browser()) {
            signIn(viewer, VIEWER_TOKEN, viewerName);
            signIn(operator, DeadLetters.TOKEN, "cy");
            operator.open(root + "console/sessions");
            String row = "//table[@id='sessions']//tr[td[contains(., '" + viewerName + "')]]";
            assertThat(operator.driver().findElement(org.openqa.selenium.By.xpath(row)).getText()).contains("viewer");
            operator.screenshot("18-sessions");
            operator.driver().findElement(org.openqa.selenium.By.xpath(row + "//button")).click();
            assertThat(operator.text("#message")).isEqualTo("The session is ended.");
            assertThat(operator.present("#sessions")
                    && operator.text("#sessions").contains(viewerName)).isFalse();

            await().atMost(Duration.ofSeconds(10)).until(() -> {
                viewer.open(root + "console/dead-letters");
                return viewer.driver().getCurrentUrl().contains("/console/sign-in");
            });
        }
    }

    @Test
    void anEmailsStoryShowsTheBounceTheReplayAndTheDeliveryInTimeOrder() throws MessagingException {
        String wrong = Events.uniqueRecipient("story-");
        String fixed = Events.uniqueRecipient("story-fixed-");
        smtp.replyToRecipient(wrong, "550 5.1.1 No such user");
        String eventId = Events.uniqueId("story");
        kafka.send(REQUESTS, eventId, Events.orderConfirmation(eventId, wrong));
        String entryId = awaitEntry(eventId);
        ops().contentType(ContentType.JSON).body(Map.of("ids", List.of(entryId), "set", Map.of("to", List.of(fixed))))
                .post("/ops/dlq/replay").then().statusCode(200);
        await().atMost(PATIENCE).until(() -> smtp.firstFor(fixed).isPresent());

        try (Browser browser = new Browser()) {
            signIn(browser, DeadLetters.TOKEN, "di");
            browser.open(root + "console/dead-letters/" + entryId).click("#story-link");
            assertThat(browser.text("#story-event")).isEqualTo(eventId);
            browser.awaitText(fixed);
            String timeline = browser.text("#timeline");
            assertThat(timeline).contains("bounced " + wrong + " 550 5.1.1 No such user").contains("delivered " + fixed);
            assertThat(timeline.indexOf("bounced")).as("in time order").isLessThan(timeline.indexOf("delivered"));
            assertThat(browser.text("#story-dead-letters")).contains("permanent").contains("replayed");
            assertThat(browser.text("#story-suppressions")).contains(wrong + " suppressed").contains(fixed + " not suppressed");
            browser.screenshot("10-email-story");

            String messageId = smtp.firstFor(fixed).orElseThrow().mime().getMessageID();
            browser.type("#q", messageId).click("#search");
            assertThat(browser.text("#story-event")).isEqualTo(eventId);
            assertThat(browser.text("#found-by")).contains(messageId);
            browser.type("#q", "<no-such-message@example.com>").click("#search");
            assertThat(browser.text("#not-found")).contains("<no-such-message@example.com>");
        }
    }

    @Test
    void aViewerReadsButCannotReplayEvenByPostingTheFormItself() {
        String entryId = deadLetterOf("console");

        try (Browser browser = new Browser()) {
            signIn(browser, VIEWER_TOKEN, "eve");
            assertThat(browser.text("#role")).isEqualTo("viewer");
            browser.open(root + "console/dead-letters/" + entryId);
            assertThat(browser.text("#entry-id")).isEqualTo(entryId);
            assertThat(browser.present("#replay") || browser.present("#discard")).isFalse();
            assertThat(browser.text("#event")).as("the data may hold links meant for the recipient alone")
                    .contains("(shown to operators only)").doesNotContain("CHF 12.50");
            assertThat(browser.text("#preview-error")).contains("operators only");
            browser.screenshot("11-viewer-entry");
            browser.open(root + "console/streams");
            assertThat(browser.text("#stream-bulk .state")).isNotEmpty();
            assertThat(browser.present("button.pause") || browser.present("button.resume")).isFalse();

            String refusal = (String) browser.driver().executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch('/console/dead-letters/discard', {method: 'POST',
                        body: new URLSearchParams({id: arguments[0], confirmed: 'confirmed', csrf: 'guessed'})})
                        .then(r => r.text().then(body => done(r.status + ' ' + body)));""", entryId);
            assertThat(refusal).startsWith("403").contains("Only an operator");
            assertThat(state(entryId)).isEqualTo("open");
            browser.open(root + "console/dead-letters/" + entryId + "/preview");
            assertThat(browser.text("body")).contains("Only an operator");
        }
    }

    @Test
    void aFormWithoutItsCsrfTokenIsRefused() {
        String entryId = deadLetterOf("console");

        try (Browser browser = new Browser()) {
            signIn(browser, DeadLetters.TOKEN, "fay");
            browser.open(root + "console/dead-letters/" + entryId).click("#discard");
            browser.driver().executeScript("document.querySelector('form input[name=csrf]').remove()");
            browser.click("#confirm");
            assertThat(browser.text("#refusal")).contains("CSRF");
            browser.screenshot("12-csrf-refused");
            assertThat(state(entryId)).isEqualTo("open");
        }
    }

    @Test
    void htmlInAnEventIsShownAsTextNeverRun() {
        String eventId = Events.uniqueId("hostile");
        String hostile = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">";
        kafka.send(REQUESTS, eventId, DeadLetters.event(eventId, hostile, "console", Events.uniqueRecipient()));
        String entryId = awaitEntry(eventId);

        try (Browser browser = new Browser()) {
            signIn(browser, DeadLetters.TOKEN, "gus");
            browser.open(root + "console/dead-letters/" + entryId);
            assertThat(browser.text("#event")).contains("<script>window.pwned=1</script><img src=x onerror=");
            assertThat(browser.driver().executeScript("return window.pwned")).isNull();
            assertThat(browser.driver().getPageSource()).doesNotContain("<script>window.pwned");
            browser.open(root + "console/dead-letters?template=" + URLEncoder.encode(hostile, StandardCharsets.UTF_8));
            assertThat(browser.text("#entries")).contains(hostile);
            assertThat(browser.driver().executeScript("return window.pwned")).isNull();
        }
    }

    @Test
    void theDeadLetterListFitsAPhoneWithoutSidewaysScrolling() {
        try (Browser browser = new Browser(390, 844)) {
            signIn(browser, DeadLetters.TOKEN, "hal");
            browser.find("#entries");
            Object overflow = browser.driver()
                    .executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(overflow).isEqualTo(0L);
            browser.screenshot("13-dead-letters-on-a-phone");
        }
    }

    @Test
    void theLivePageCountsADeliveryAndChartsItWithoutBeingReloaded() {
        String delivered = "[data-figure='outcome.delivered']";
        try (Browser browser = new Browser()) {
            signIn(browser, VIEWER_TOKEN, "eve");
            browser.open(root + "console/live");
            long before = Long.parseLong(browser.text(delivered));
            assertThat(browser.text("[data-figure='smtp.circuit']")).isEqualTo("closed");
            browser.driver().executeScript("window.sameDocument = true");

            String recipient = Events.uniqueRecipient("live-");
            String eventId = Events.uniqueId("live");
            kafka.send(REQUESTS, eventId, Events.orderConfirmation(eventId, recipient));
            await().atMost(PATIENCE).until(() -> smtp.firstFor(recipient).isPresent());

            await().atMost(PATIENCE).until(() -> Long.parseLong(browser.text(delivered)) > before);
            await().atMost(PATIENCE).until(() -> !browser.find("#line-delivered").getAttribute("points").isBlank());
            assertThat(browser.driver().executeScript("return window.sameDocument")).as("updated in place").isEqualTo(true);
            assertThat(browser.text("#live-status")).startsWith("As of");
            browser.screenshot("14-live");
        }
    }

    @Test
    void signingInWithAWrongTokenSaysSoAndOpensNothing() {
        try (Browser browser = new Browser()) {
            browser.open(root + "console/dead-letters");
            browser.type("#token", "not-the-token").click("#sign-in");
            assertThat(browser.text("#sign-in-error")).contains("opens nothing");
            browser.screenshot("00-sign-in-refused");
            browser.open(root + "console/suppressions");
            assertThat(browser.driver().getCurrentUrl()).contains("/console/sign-in");
        }
    }

    private void signIn(Browser browser, String token, String name) {
        browser.open(root + "console");
        assertThat(browser.driver().getCurrentUrl()).contains("/console/sign-in");
        browser.type("#token", token).type("#name", name).click("#sign-in");
        browser.find("#role");
    }

    /** A fresh dead letter on the invalid channel (no such template), tagged with the given team. */
    private String deadLetterOf(String team) {
        String eventId = Events.uniqueId(team);
        kafka.send(REQUESTS, eventId, DeadLetters.event(eventId, "no-such-template", team, Events.uniqueRecipient()));
        return awaitEntry(eventId);
    }

    private static String state(String entryId) {
        return ops().get("/ops/dlq/{id}", entryId).then().statusCode(200).extract().jsonPath().getString("state");
    }
}
