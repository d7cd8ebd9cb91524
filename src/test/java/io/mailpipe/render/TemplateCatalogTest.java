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

import io.mailpipe.testing.TestConfigs;
import io.quarkus.qute.Engine;

class TemplateCatalogTest {

    private final Engine engine = Engine.builder().addDefaults().strictRendering(true).build();

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
                .data(Map.of("name", "Ada", "order", Map.of("number", "7"), "carrier", "Post", "trackingUrl", "https://t.example"))
                .render();
        assertThat(html).startsWith("<div class=\"external\">").contains("Hello Ada");
    }

    private TemplateCatalog catalog() {
        return new TemplateCatalog(engine, TestConfigs.mailpipe(Map.of("mailpipe.templates-dir", dir.toString())));
    }

    private void write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
