package io.mailpipe.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InlineReferencesTest {

    private static final Pattern CID = Pattern.compile("(?i)\\bcid:([^\"'\\s)>]+)");

    @ParameterizedTest
    @ValueSource(strings = {
            "<img src=\"cid:logo\"><img src='CID:banner.png'>",
            "cid:first at the very start",
            "no references: https://shop.example/a:b, 10:30, xcid:not-a-word-boundary",
            "<p style=\"background:url(cid:bg@x)\">",
            "cid:cid:twice cid:a:b:c Cid:mixed",
            ":::cid:: cid:",
            "" })
    void findsTheSameReferencesAsScanningEveryPosition(String html) {
        Set<String> expected = new LinkedHashSet<>();
        Matcher m = CID.matcher(html);
        while (m.find()) {
            expected.add(m.group(1));
        }
        assertThat(InlineReferences.references(html)).containsExactlyElementsOf(expected);
    }
}
