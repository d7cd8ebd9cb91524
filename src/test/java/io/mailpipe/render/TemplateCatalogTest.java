package io.mailpipe.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mailpipe.testing.TestConfigs;

class TemplateCatalogTest {

    @TempDir
    Path dir;

    @Test
    void brokenTemplateStopsStartUpNamingFileLineAndReason() throws IOException {
        write("welcome/subject.txt", "Welcome");
        write("welcome/body.html", "<p>Hello</p>\n<p>{#if}</p>\n");
        assertThatThrownBy(this::catalog)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir + ":welcome/body.html:2")
                .hasMessageContaining("mandatory section parameters not declared for {#if}");
    }

    @Test
    void brokenSharedLayoutStopsStartUp() throws IOException {
        write("_layouts/base.html", "<html>\n{#insert}{/}\n{foo.bar(}\n</html>");
        assertThatThrownBy(this::catalog).hasMessageContaining(dir + ":_layouts/base.html:3");
    }

    @Test
    void includeOfAMissingLayoutStopsStartUp() throws IOException {
        write("welcome/subject.txt", "Welcome");
        write("welcome/body.html", "<p>Hi</p>\n{#include _layouts/nope}Hi{/include}\n");
        assertThatThrownBy(this::catalog)
                .hasMessageContaining(dir + ":welcome/body.html line 2 includes '_layouts/nope'");
    }

    @Test
    void externalTemplateUsesExternalLayoutAndPartial() throws IOException {
        write("_layouts/base.html", "<main>{#insert}{/}</main>");
        write("_partials/footer.txt", "-- {company}");
        write("welcome/subject.txt", "Welcome {name}");
        write("welcome/body.html", "{#include _layouts/base}<p>Hi {name}</p>{/include}");
        write("welcome/body.txt", "Hi {name}\n{#include _partials/footer /}");
        TemplateSet set = catalog().find("welcome").orElseThrow();
        Map<String, Object> model = Map.of("name", "Ada", "company", "Shop");
        assertThat(set.body(Optional.empty()).html().orElseThrow().data(model).render()).isEqualTo("<main><p>Hi Ada</p></main>");
        assertThat(set.body(Optional.empty()).text().orElseThrow().data(model).render()).isEqualTo("Hi Ada\n-- Shop");
    }

    @Test
    void externalLayoutReplacesTheBuiltInOne() throws IOException {
        write("_layouts/email.html", "<div class=\"external\">{#insert}{/}</div>");
        TemplateSet set = catalog().find("order-shipped").orElseThrow();
        String html = set.body(Optional.empty()).html().orElseThrow()
                .data(Map.of("name", "Ada", "order", Map.of("number", "7"), "carrier", "Post", "trackingUrl",
                        "https://t.example"))
                .render();
        assertThat(html).startsWith("<div class=\"external\">").contains("Hello Ada");
    }

    // A Quarkus-injected engine resolves config: (ConfigTemplateExtensions), inject: and cdi: (named beans): a template
    // could print the ops token or the SMTP password into a mail. No namespace is offered, and any use stops start-up.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "welcome/body.txt|{config:property('mailpipe.ops.token')}|config",
            "welcome/body.txt|{config:mailpipe.smtp.password}|config",
            "welcome/body.txt|{config:['mailpipe.smtp.password']}|config",
            "welcome/body.html|{#if config:boolean('x')}yes{/if}|config",
            "welcome/body.txt|{#let t=env:HOME}{t}{/let}|env",
            "welcome/body.txt|{name.or(config:property('mailpipe.ops.token'))}|config",
            "welcome/body.txt|{inject:mailpipeConfig.ops.token}|inject",
            "welcome/body.txt|{cdi:mailpipeConfig.smtp.password}|cdi",
            "welcome/subject.txt|{msg:hello}|msg",
            "_partials/footer.txt|{config:property('mailpipe.ops.token')}|config",
    })
    void aTemplateReachingOutsideItsModelStopsStartUpNamingFileAndLine(String file, String expression, String namespace)
            throws IOException {
        write("welcome/subject.txt", "Welcome");
        write("welcome/body.txt", "Hello {name}");
        write(file, "Hello {name},\n" + expression + "\n");
        assertThatThrownBy(this::catalog)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Template file " + dir + ":" + file + " line 2")
                .hasMessageContaining("'" + namespace + ":'");
    }

    // {#eval} would render event data as template code: a value sent by an event's producer would become a template.
    @Test
    void evalStopsStartUpSoEventDataNeverBecomesTemplateCode() throws IOException {
        write("welcome/subject.txt", "Welcome");
        write("welcome/body.txt", "Hello\n{#eval note /}\n");
        assertThatThrownBy(this::catalog)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir + ":welcome/body.txt:2")
                .hasMessageContaining("eval");
    }

    @Test
    void htmlBodiesAreEscapedAndTextBodiesAreNot() throws IOException {
        write("welcome/subject.txt", "Welcome {name}");
        write("welcome/body.html", "<p>{name}</p>");
        write("welcome/body.txt", "{name}");
        TemplateSet set = catalog().find("welcome").orElseThrow();
        Map<String, Object> model = Map.of("name", "<b>Ada</b> & co");
        assertThat(set.body(Optional.empty()).html().orElseThrow().data(model).render())
                .isEqualTo("<p>&lt;b&gt;Ada&lt;/b&gt; &amp; co</p>");
        assertThat(set.body(Optional.empty()).text().orElseThrow().data(model).render()).isEqualTo("<b>Ada</b> & co");
        assertThat(set.subject(Optional.empty()).data(model).render()).isEqualTo("Welcome <b>Ada</b> & co");
    }

    private TemplateCatalog catalog() {
        return new TemplateCatalog(TestConfigs.mailpipe(Map.of("mailpipe.templates-dir", dir.toString())));
    }

    private void write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
