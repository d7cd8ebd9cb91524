package io.mailpipe.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class TemplateSetTest {

    @Test
    void regionalLocaleFallsBackToLanguageThenDefault() {
        assertThat(TemplateSet.fallbackTags(Optional.of(Locale.forLanguageTag("de-CH")))).containsExactly("de-CH", "de", "");
        assertThat(TemplateSet.fallbackTags(Optional.of(Locale.forLanguageTag("de")))).containsExactly("de", "");
        assertThat(TemplateSet.fallbackTags(Optional.empty())).containsExactly("");
    }
}
